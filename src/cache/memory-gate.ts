import { LruTtlMap } from "./lru-ttl-map.ts";
import type { GateDecision, LimitGate } from "./types.ts";

interface Counter {
  count: number;
}

/**
 * The same rules as the Lua scripts: only `seed` creates a counter, nothing goes below zero. At most
 * `maxChannels` counters: the least recently used goes first and reads unknown, like an expired one
 * (the next create seeds it from Postgres).
 */
export function createMemoryGate(
  ttlSeconds: number,
  now: () => number = Date.now,
  maxChannels = 100_000,
): LimitGate {
  const counters = new LruTtlMap<Counter>(maxChannels, now);
  const live = (channelId: string) => counters.get(channelId);

  return {
    async reserve(channelId, limit): Promise<GateDecision> {
      const counter = live(channelId);
      if (!counter) return { kind: "unknown" };
      if (counter.count >= limit) return { kind: "refused", count: counter.count, limit };
      counter.count += 1;
      return { kind: "reserved" };
    },
    async release(channelId) {
      const counter = live(channelId);
      if (counter && counter.count > 0) counter.count -= 1;
    },
    async add(channelId) {
      const counter = live(channelId);
      if (counter) counter.count += 1;
    },
    async seed(channelId, liveCount) {
      counters.set(channelId, { count: checkedCount(liveCount) }, ttlSeconds * 1000);
    },
    async peek(channelId) {
      return live(channelId)?.count;
    },
  };
}

export function checkedCount(liveCount: number): number {
  if (!Number.isInteger(liveCount) || liveCount < 0) {
    throw new RangeError(`gate seed needs a non-negative integer, got ${liveCount}`);
  }
  return liveCount;
}
