import type { RedisLink } from "./redis-link.ts";
import type { Scripts } from "./redis-scripts.ts";
import { createLocalTokenBucket, type RateLimitOptions } from "./token-bucket.ts";
import type { RateDecision, RateLimiter } from "./types.ts";

/** Token bucket shared by every instance; a per-process bucket while Redis is unavailable. */
export function createRedisRateLimiter(
  scripts: Scripts,
  link: RedisLink,
  bucketKey: (key: string) => string,
  options: RateLimitOptions,
): RateLimiter {
  const local = createLocalTokenBucket(options);
  const windowMs = options.windowSeconds * 1000;
  const perMs = options.capacity / windowMs;
  return {
    take(key) {
      return link.run(
        async (): Promise<RateDecision> => {
          const [allowed, retryAfterMs] = await scripts.rateTake(
            bucketKey(key),
            options.capacity,
            perMs,
            windowMs,
          );
          return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs };
        },
        () => local.take(key),
      );
    },
  };
}
