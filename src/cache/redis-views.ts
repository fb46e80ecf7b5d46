import type { Logger } from "../log.ts";
import type { CacheCounters } from "./cache-metrics.ts";
import type { KeyLayout } from "./keys.ts";
import { MissLedger } from "./miss-ledger.ts";
import type { RedisLink } from "./redis-link.ts";
import type { Scripts } from "./redis-scripts.ts";
import type { ViewCache } from "./types.ts";

/** Delete stamps outlive any reader still holding an older one (see MissLedger's window). */
const STAMP_TTL_MS = 60_000;

/** Cache-aside values as JSON under versioned keys. A failure reads as a miss. */
export function createRedisViews(
  scripts: Scripts,
  link: RedisLink,
  keys: KeyLayout,
  counters: CacheCounters,
  log: Logger,
): ViewCache {
  const ledger = new MissLedger();
  const unavailable = () => undefined;
  return {
    async get<T>(key: string) {
      const generation = link.generation();
      const found = await link.run(() => scripts.viewGet(keys.view(key), keys.viewStamp(key)), unavailable);
      if (found && "json" in found) {
        try {
          const value = JSON.parse(found.json) as T;
          counters.increment("hits");
          return value;
        } catch (error) {
          // Not ours to judge as a miss by stamp: the next set simply overwrites it.
          log.warn({ err: error, key }, "unreadable cache entry ignored");
          counters.increment("misses");
          return undefined;
        }
      }
      counters.increment("misses");
      ledger.noteMiss(key, found && "stamp" in found ? found.stamp : undefined, generation);
      return undefined;
    },
    async set(key, value, ttlSeconds) {
      const json = JSON.stringify(value);
      if (json === undefined) return;
      const setCheck = ledger.claim(key, link.generation());
      if (setCheck.check === "refuse") return;
      const seen = setCheck.check === "stamp" ? setCheck.stamp : -1;
      const ttl = Math.max(1, Math.ceil(ttlSeconds));
      await link.run(
        () => scripts.viewSet(keys.view(key), keys.viewStamp(key), json, ttl, seen),
        unavailable,
      );
    },
    async mark() {
      const generation = link.generation();
      const stamp = await link.run(() => scripts.viewStampNow(keys.viewStampCounter), unavailable);
      return stamp === undefined ? undefined : { stamp, generation };
    },
    // Stamps start at 1 (INCR): 0 means "never deleted", which is all a new row's key can have been.
    markNew: () => ({ stamp: 0, generation: link.generation() }),
    async del(logicalKeys, fresh = []) {
      const all = [...new Set([...logicalKeys, ...fresh.map((entry) => entry.key)])];
      const generation = link.generation();
      if (all.length === 0) return undefined;
      const pairs = all.map((key): [string, string] => [keys.view(key), keys.viewStamp(key)]);
      // A mark from before an outage or flush means nothing now: only delete.
      const storable = fresh.flatMap((entry) => {
        const json = JSON.stringify(entry.value);
        if (json === undefined || entry.mark.generation !== generation) return [];
        const ttl = Math.max(1, Math.ceil(entry.ttlSeconds));
        return [{ pair: all.indexOf(entry.key), json, ttlSeconds: ttl, seen: entry.mark.stamp }];
      });
      const stamp = await link.run(
        () => scripts.viewDel(keys.viewStampCounter, pairs, STAMP_TTL_MS, storable),
        unavailable,
        pairs.map(([view]) => view),
      );
      return stamp === undefined ? undefined : { stamp, generation };
    },
  };
}
