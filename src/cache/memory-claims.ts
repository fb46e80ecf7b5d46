import { LruTtlMap } from "./lru-ttl-map.ts";
import type { EventClaims } from "./types.ts";

/** Gateway replays come within minutes; far more events than this arrive in one TTL only under a flood. */
const MAX_CLAIMS = 50_000;

/** One process: a bounded map of the ids it has seen. */
export function createMemoryClaims(now: () => number): EventClaims {
  const seen = new LruTtlMap<true>(MAX_CLAIMS, now);
  return {
    async claim(eventId, ttlSeconds) {
      if (seen.get(eventId)) return "lost";
      seen.set(eventId, true, ttlSeconds * 1000);
      return "won";
    },
  };
}
