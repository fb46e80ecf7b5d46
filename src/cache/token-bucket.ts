import type { RateDecision } from "./types.ts";

export interface RateLimitOptions {
  /** Burst size: how many takes a fresh key may make at once. */
  capacity: number;
  /** Time for an empty bucket to refill completely. */
  windowSeconds: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { capacity: 10, windowSeconds: 10 };
export const DEFAULT_READ_RATE_LIMIT: RateLimitOptions = { capacity: 60, windowSeconds: 10 };

interface Bucket {
  tokens: number;
  at: number;
}

/** The per-process bucket: the embedded limiter, and the fallback while Redis is unavailable. */
export function createLocalTokenBucket(
  { capacity, windowSeconds }: RateLimitOptions,
  now: () => number = Date.now,
  maxKeys = 100_000,
): { take(key: string): RateDecision } {
  const perMs = capacity / (windowSeconds * 1000);
  const buckets = new Map<string, Bucket>();

  const forgetFullBuckets = (at: number) => {
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + (at - bucket.at) * perMs >= capacity) buckets.delete(key);
    }
  };

  return {
    take(key) {
      const at = now();
      if (buckets.size >= maxKeys) forgetFullBuckets(at);
      const bucket = buckets.get(key) ?? { tokens: capacity, at };
      const tokens = Math.min(capacity, bucket.tokens + Math.max(0, at - bucket.at) * perMs);
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at });
        return { allowed: true };
      }
      buckets.set(key, { tokens, at });
      return { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
    },
  };
}
