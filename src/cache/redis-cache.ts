import type { Logger } from "../log.ts";
import { createCacheCounters } from "./cache-metrics.ts";
import { CACHE_SCHEMA_VERSION, createKeyLayout, DEFAULT_KEY_PREFIX } from "./keys.ts";
import { DEFAULT_GATE_TTL_SECONDS } from "./memory-cache.ts";
import { createRedisClaims } from "./redis-claims.ts";
import {
  createRedisClient,
  DEFAULT_REDIS_TIMEOUTS,
  type RedisTimeouts,
  redactRedisUrl,
} from "./redis-client.ts";
import { createRedisGate } from "./redis-gate.ts";
import { createRedisLink } from "./redis-link.ts";
import { createRedisRateLimiter } from "./redis-rate-limiter.ts";
import { defineScripts } from "./redis-scripts.ts";
import { createRedisSignals } from "./redis-signals.ts";
import { createRedisViews } from "./redis-views.ts";
import { DEFAULT_RATE_LIMIT, DEFAULT_READ_RATE_LIMIT, type RateLimitOptions } from "./token-bucket.ts";
import type { Cache } from "./types.ts";

export interface RedisCacheOptions {
  url: string;
  log: Logger;
  /** Every key starts with it; one Redis can serve several deployments (and tests). Default "tl:". */
  keyPrefix?: string;
  rateLimit?: RateLimitOptions;
  readRateLimit?: RateLimitOptions;
  /** Defaults to CACHE_SCHEMA_VERSION; tests use it to show versions never read each other. */
  schemaVersion?: number;
  /** Counters are rebuilt from Postgres at least this often, bounding any drift. */
  gateTtlSeconds?: number;
  timeouts?: Partial<RedisTimeouts>;
  /** Consecutive failed commands that open the breaker (default 3). */
  failureThreshold?: number;
  /** How often an open breaker probes Redis (default 1000 ms). */
  probeIntervalMs?: number;
  /** How long start-up waits for Redis before serving degraded (default 2000 ms). */
  startupWaitMs?: number;
}

/**
 * The production cache. Start-up waits briefly for Redis; when it does not answer, the cache starts
 * degraded (one warning) and comes back by itself once Redis does.
 */
export async function createRedisCache(options: RedisCacheOptions): Promise<Cache> {
  const log = options.log.child({ component: "cache" });
  const timeouts = { ...DEFAULT_REDIS_TIMEOUTS, ...options.timeouts };
  const keys = createKeyLayout(
    options.keyPrefix ?? DEFAULT_KEY_PREFIX,
    options.schemaVersion ?? CACHE_SCHEMA_VERSION,
  );
  const counters = createCacheCounters();
  const client = createRedisClient(options.url, timeouts);
  // Its only command is SUBSCRIBE, answered once per connection: no reason to be as impatient.
  const subscriber = client.duplicate({ commandTimeout: 2_000 });
  const link = createRedisLink({
    client,
    keys,
    log,
    counters,
    failureThreshold: options.failureThreshold ?? 3,
    probeIntervalMs: options.probeIntervalMs ?? 1_000,
    commandTimeoutMs: timeouts.commandTimeoutMs,
  });
  const scripts = defineScripts(client);
  const signals = createRedisSignals(client, subscriber, link, keys.signalsChannel, log);

  client.connect().catch(() => undefined);
  subscriber.connect().catch(() => undefined);
  const available = await link.waitUntilAvailable(options.startupWaitMs ?? 2_000);
  log.info({ url: redactRedisUrl(options.url), available, prefix: keys.prefix }, "redis cache started");

  return {
    kind: "redis",
    views: createRedisViews(scripts, link, keys, counters, log),
    gate: createRedisGate(
      client,
      scripts,
      link,
      keys,
      counters,
      options.gateTtlSeconds ?? DEFAULT_GATE_TTL_SECONDS,
    ),
    rateLimiter: createRedisRateLimiter(scripts, link, keys.rate, options.rateLimit ?? DEFAULT_RATE_LIMIT),
    readRateLimiter: createRedisRateLimiter(
      scripts,
      link,
      (key) => keys.rate(`read:${key}`),
      options.readRateLimit ?? DEFAULT_READ_RATE_LIMIT,
    ),
    buckets: (name, bucketOptions) =>
      createRedisRateLimiter(scripts, link, (key) => keys.rate(`${name}:${key}`), bucketOptions),
    signals,
    claims: createRedisClaims(client, scripts, link, keys, {
      write: options.rateLimit ?? DEFAULT_RATE_LIMIT,
      read: options.readRateLimit ?? DEFAULT_READ_RATE_LIMIT,
    }),
    metrics: () => counters.snapshot(link.available()),
    async close() {
      link.stop();
      await Promise.all(
        [client, subscriber].map((connection) => connection.quit().catch(() => connection.disconnect())),
      );
    },
  };
}
