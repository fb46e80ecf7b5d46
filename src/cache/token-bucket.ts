import { LruTtlMap } from "./lru-ttl-map.ts";
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

/**
 * The per-process bucket: the embedded limiter, and the fallback while Redis is unavailable. A bucket
 * untouched for a whole window is full again, so it is forgotten then (exact); past `maxKeys` actors
 * the least recently seen is forgotten first (it starts full again: lenient for that one actor).
 */
export function createLocalTokenBucket(
  { capacity, windowSeconds }: RateLimitOptions,
  now: () => number = Date.now,
  maxKeys = 100_000,
): { take(key: string): RateDecision } {
  const windowMs = windowSeconds * 1000;
  const perMs = capacity / windowMs;
  const buckets = new LruTtlMap<Bucket>(maxKeys, now);

  return {
    take(key) {
      const at = now();
      const bucket = buckets.get(key) ?? { tokens: capacity, at };
      const tokens = Math.min(capacity, bucket.tokens + Math.max(0, at - bucket.at) * perMs);
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at }, windowMs);
        return { allowed: true };
      }
      buckets.set(key, { tokens, at }, windowMs);
      return { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
    },
  };
}
