export {
  checkGateDrift,
  type GateDrift,
  type GateDriftOptions,
  rebuildGateCounter,
} from "../services/gate/gate-drift.ts";
export { type CreateCacheOptions, createCache } from "./create-cache.ts";
export { type GateDriftJob, type GateDriftJobOptions, startGateDriftCheck } from "./gate-drift-job.ts";
export { CACHE_SCHEMA_VERSION, DEFAULT_KEY_PREFIX, viewKeys } from "./keys.ts";
export { createMemoryCache, DEFAULT_GATE_TTL_SECONDS, type MemoryCacheOptions } from "./memory-cache.ts";
export { createRedisCache, type RedisCacheOptions } from "./redis-cache.ts";
export { DEFAULT_RATE_LIMIT, type RateLimitOptions } from "./token-bucket.ts";
export type * from "./types.ts";
