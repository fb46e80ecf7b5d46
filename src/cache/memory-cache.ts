import type { Logger } from "../log.ts";
import { createCacheCounters } from "./cache-metrics.ts";
import { createLocalSignalHub } from "./local-signals.ts";
import { createMemoryClaims } from "./memory-claims.ts";
import { createMemoryGate } from "./memory-gate.ts";
import { createMemoryViews } from "./memory-views.ts";
import {
  createLocalTokenBucket,
  DEFAULT_RATE_LIMIT,
  DEFAULT_READ_RATE_LIMIT,
  type RateLimitOptions,
} from "./token-bucket.ts";
import type { Cache } from "./types.ts";

export interface MemoryCacheOptions {
  log: Logger;
  rateLimit?: RateLimitOptions;
  readRateLimit?: RateLimitOptions;
  maxViewEntries?: number;
  /** Counters are rebuilt from Postgres at least this often, bounding any drift. */
  gateTtlSeconds?: number;
  now?: () => number;
}

export const DEFAULT_GATE_TTL_SECONDS = 300;

/** The embedded default: one process, same interface and same semantics as the Redis cache. */
export function createMemoryCache(options: MemoryCacheOptions): Cache {
  const now = options.now ?? Date.now;
  const counters = createCacheCounters();
  const views = createMemoryViews(options.maxViewEntries ?? 10_000, counters, now);
  const bucket = createLocalTokenBucket(options.rateLimit ?? DEFAULT_RATE_LIMIT, now);
  const readBucket = createLocalTokenBucket(options.readRateLimit ?? DEFAULT_READ_RATE_LIMIT, now);
  const gate = createMemoryGate(options.gateTtlSeconds ?? DEFAULT_GATE_TTL_SECONDS, now);
  const hub = createLocalSignalHub(options.log);

  return {
    kind: "memory",
    views,
    gate: {
      ...gate,
      async reserve(channelId, limit) {
        const decision = await gate.reserve(channelId, limit);
        if (decision.kind === "refused") counters.increment("gateRefusals");
        return decision;
      },
    },
    rateLimiter: { take: async (key) => bucket.take(key) },
    readRateLimiter: { take: async (key) => readBucket.take(key) },
    buckets(_name, bucketOptions) {
      const named = createLocalTokenBucket(bucketOptions, now);
      return { take: async (key) => named.take(key) };
    },
    signals: {
      async publish(signal) {
        hub.emit(signal);
      },
      subscribe: (handler) => hub.subscribe(handler),
    },
    claims: createMemoryClaims(now, {
      write: (key) => bucket.take(key),
      read: (key) => readBucket.take(key),
    }),
    metrics: () => counters.snapshot(true),
    close: async () => undefined,
  };
}
