import type { Redis } from "ioredis";
import type { KeyLayout } from "./keys.ts";
import type { RedisLink } from "./redis-link.ts";
import type { Scripts } from "./redis-scripts.ts";
import type { RateLimitOptions } from "./token-bucket.ts";
import type { ClaimAnswer, EventClaims, RateDecision } from "./types.ts";

export interface ClaimBuckets {
  write: RateLimitOptions;
  read: RateLimitOptions;
}

/** SET NX EX: the first instance to set the key handles the event. */
export function createRedisClaims(
  client: Redis,
  scripts: Scripts,
  link: RedisLink,
  keys: KeyLayout,
  buckets: ClaimBuckets,
): EventClaims {
  return {
    claim: (eventId, ttlSeconds) =>
      link.run(
        async () => ((await client.set(keys.event(eventId), "1", "EX", ttlSeconds, "NX")) ? "won" : "lost"),
        () => "unknown" as const,
      ),
    claimAndTake: (eventId, ttlSeconds, token) => {
      const options = buckets[token.bucket];
      // The same bucket keys as the rate limiters (redis-cache.ts).
      const rateKey = keys.rate(token.bucket === "write" ? token.key : `read:${token.key}`);
      const windowMs = options.windowSeconds * 1000;
      return link.run(
        async (): Promise<{ claim: ClaimAnswer; decision?: RateDecision }> => {
          const [won, allowed, retryAfterMs] = await scripts.claimAndTake(
            keys.event(eventId),
            ttlSeconds,
            rateKey,
            options.capacity,
            options.capacity / windowMs,
            windowMs,
          );
          if (won !== 1) return { claim: "lost" };
          return {
            claim: "won",
            decision: allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs },
          };
        },
        () => ({ claim: "unknown" as const }),
      );
    },
  };
}
