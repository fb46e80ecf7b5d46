import type { Logger } from "../log.ts";
import { createMemoryCache } from "./memory-cache.ts";
import { createRedisCache, type RedisCacheOptions } from "./redis-cache.ts";
import type { RateLimitOptions } from "./token-bucket.ts";
import type { Cache } from "./types.ts";

export interface CreateCacheOptions extends Omit<RedisCacheOptions, "url"> {
  /** With it: Redis, shared by every instance. Without: the in-process cache. */
  redisUrl?: string;
  log: Logger;
  rateLimit?: RateLimitOptions;
  readRateLimit?: RateLimitOptions;
}

export async function createCache({ redisUrl, ...options }: CreateCacheOptions): Promise<Cache> {
  if (redisUrl) return createRedisCache({ url: redisUrl, ...options });
  options.log.debug("no REDIS_URL: in-process cache");
  return createMemoryCache(options);
}
