import type { Logger } from "../log.ts";
import { createCacheCounters } from "./cache-metrics.ts";
import { createLocalSignalHub } from "./local-signals.ts";
import { LruTtlMap } from "./lru-ttl-map.ts";
import { createMemoryGate } from "./memory-gate.ts";
import { createLocalTokenBucket, DEFAULT_RATE_LIMIT, type RateLimitOptions } from "./token-bucket.ts";
import type { Cache } from "./types.ts";

export interface MemoryCacheOptions {
  log: Logger;
  rateLimit?: RateLimitOptions;
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
  // Values are stored as JSON so a caller mutating what it got can't change the cache, as with Redis.
  const views = new LruTtlMap<string>(options.maxViewEntries ?? 10_000, now);
  const bucket = createLocalTokenBucket(options.rateLimit ?? DEFAULT_RATE_LIMIT, now);
  const gate = createMemoryGate(options.gateTtlSeconds ?? DEFAULT_GATE_TTL_SECONDS, now);
  const hub = createLocalSignalHub(options.log);

  return {
    kind: "memory",
    views: {
      async get<T>(key: string) {
        const json = views.get(key);
        counters.increment(json === undefined ? "misses" : "hits");
        return json === undefined ? undefined : (JSON.parse(json) as T);
      },
      async set(key, value, ttlSeconds) {
        const json = JSON.stringify(value);
        if (json !== undefined) views.set(key, json, Math.max(1, Math.ceil(ttlSeconds)) * 1000);
      },
      async del(keys) {
        for (const key of keys) views.delete(key);
      },
    },
    gate: {
      ...gate,
      async reserve(channelId, limit) {
        const decision = await gate.reserve(channelId, limit);
        if (decision.kind === "refused") counters.increment("gateRefusals");
        return decision;
      },
    },
    rateLimiter: { take: async (key) => bucket.take(key) },
    signals: {
      async publish(signal) {
        hub.emit(signal);
      },
      subscribe: (handler) => hub.subscribe(handler),
    },
    metrics: () => counters.snapshot(true),
    close: async () => undefined,
  };
}
