import type { CacheCounters } from "./cache-metrics.ts";
import { LruTtlMap } from "./lru-ttl-map.ts";
import { MissLedger } from "./miss-ledger.ts";
import type { ViewCache } from "./types.ts";

const STAMP_TTL_MS = 60_000;

/** LRU with TTL; values kept as JSON so a caller mutating what it got can't change the cache, as with Redis. */
export function createMemoryViews(maxEntries: number, counters: CacheCounters, now: () => number): ViewCache {
  const values = new LruTtlMap<string>(maxEntries, now);
  const stamps = new LruTtlMap<number>(maxEntries * 2, now);
  const ledger = new MissLedger(undefined, undefined, now);
  let lastStamp = 0;
  const generation = 0;
  return {
    async get<T>(key: string) {
      const json = values.get(key);
      if (json !== undefined) {
        counters.increment("hits");
        return JSON.parse(json) as T;
      }
      counters.increment("misses");
      ledger.noteMiss(key, stamps.get(key) ?? 0, generation);
      return undefined;
    },
    async set(key, value, ttlSeconds) {
      const json = JSON.stringify(value);
      if (json === undefined) return;
      const setCheck = ledger.claim(key, generation);
      if (setCheck.check === "refuse") return;
      if (setCheck.check === "stamp" && (stamps.get(key) ?? 0) > setCheck.stamp) return;
      values.set(key, json, Math.max(1, Math.ceil(ttlSeconds)) * 1000);
    },
    async mark() {
      return { stamp: lastStamp, generation };
    },
    markNew: () => ({ stamp: 0, generation }),
    async del(keys, fresh = []) {
      if (keys.length === 0 && fresh.length === 0) return undefined;
      // Judged before this delete stamps the keys: only a delete after the mark out-ranks the value.
      const storable = fresh.filter(
        (entry) => entry.mark.generation === generation && (stamps.get(entry.key) ?? 0) <= entry.mark.stamp,
      );
      lastStamp += 1;
      for (const key of [...keys, ...fresh.map((entry) => entry.key)]) {
        values.delete(key);
        stamps.set(key, lastStamp, STAMP_TTL_MS);
      }
      for (const entry of storable) {
        const json = JSON.stringify(entry.value);
        if (json !== undefined) values.set(entry.key, json, Math.max(1, Math.ceil(entry.ttlSeconds)) * 1000);
      }
      return { stamp: lastStamp, generation };
    },
  };
}
