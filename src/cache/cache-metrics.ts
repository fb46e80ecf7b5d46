import type { CacheMetricsSnapshot } from "./types.ts";

export type CacheCounterName = Exclude<keyof CacheMetricsSnapshot, "available">;

export interface CacheCounters {
  increment(name: CacheCounterName): void;
  snapshot(available: boolean): CacheMetricsSnapshot;
}

export function createCacheCounters(): CacheCounters {
  const counts: Record<CacheCounterName, number> = {
    hits: 0,
    misses: 0,
    errors: 0,
    gateRefusals: 0,
    fallbacks: 0,
  };
  return {
    increment: (name) => {
      counts[name] += 1;
    },
    snapshot: (available) => ({ ...counts, available }),
  };
}
