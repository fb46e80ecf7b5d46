import type { Redis } from "ioredis";
import type { Logger } from "../log.ts";
import type { CacheCounters } from "./cache-metrics.ts";
import type { KeyLayout } from "./keys.ts";
import type { RedisLink } from "./redis-link.ts";
import type { ViewCache } from "./types.ts";

/** Cache-aside values as JSON under versioned keys. A failure reads as a miss. */
export function createRedisViews(
  client: Redis,
  link: RedisLink,
  keys: KeyLayout,
  counters: CacheCounters,
  log: Logger,
): ViewCache {
  const miss = () => undefined;
  return {
    async get<T>(key: string) {
      const json = await link.run(() => client.get(keys.view(key)), miss);
      if (json === undefined || json === null) {
        counters.increment("misses");
        return undefined;
      }
      try {
        const value = JSON.parse(json) as T;
        counters.increment("hits");
        return value;
      } catch (error) {
        log.warn({ err: error, key }, "unreadable cache entry dropped");
        counters.increment("misses");
        await link.run(() => client.unlink(keys.view(key)), miss);
        return undefined;
      }
    },
    async set(key, value, ttlSeconds) {
      const json = JSON.stringify(value);
      if (json === undefined) return;
      const ttl = Math.max(1, Math.ceil(ttlSeconds));
      await link.run(() => client.set(keys.view(key), json, "EX", ttl), miss);
    },
    async del(logicalKeys) {
      if (logicalKeys.length === 0) return;
      const redisKeys = logicalKeys.map(keys.view);
      await link.run(() => client.unlink(...redisKeys), miss, redisKeys);
    },
  };
}
