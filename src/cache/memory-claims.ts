import { LruTtlMap } from "./lru-ttl-map.ts";
import type { EventClaims, RateDecision } from "./types.ts";

/** Gateway replays come within minutes; far more events than this arrive in one TTL only under a flood. */
const MAX_CLAIMS = 50_000;

/** One process: a bounded map of the ids it has seen. */
export function createMemoryClaims(
  now: () => number,
  take: Record<"write" | "read", (key: string) => RateDecision>,
): EventClaims {
  const seen = new LruTtlMap<true>(MAX_CLAIMS, now);
  const claim = (eventId: string, ttlSeconds: number) => {
    if (seen.get(eventId)) return "lost" as const;
    seen.set(eventId, true, ttlSeconds * 1000);
    return "won" as const;
  };
  return {
    claim: async (eventId, ttlSeconds) => claim(eventId, ttlSeconds),
    async claimAndTake(eventId, ttlSeconds, token) {
      const answer = claim(eventId, ttlSeconds);
      return answer === "won"
        ? { claim: answer, decision: take[token.bucket](token.key) }
        : { claim: answer };
    },
  };
}
