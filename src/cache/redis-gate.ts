import type { Redis } from "ioredis";
import type { CacheCounters } from "./cache-metrics.ts";
import type { KeyLayout } from "./keys.ts";
import { checkedCount } from "./memory-gate.ts";
import type { RedisLink } from "./redis-link.ts";
import type { Scripts } from "./redis-scripts.ts";
import type { GateDecision, LimitGate } from "./types.ts";

const UNKNOWN: GateDecision = { kind: "unknown" };
const MAX_LIMIT = 2 ** 31 - 1;

/**
 * Every counter write that fails marks the counter stale: a reserve that timed out may still have
 * incremented it. Stale counters are deleted before Redis is trusted again, then rebuilt by `seed`.
 */
export function createRedisGate(
  client: Redis,
  scripts: Scripts,
  link: RedisLink,
  keys: KeyLayout,
  counters: CacheCounters,
  ttlSeconds: number,
): LimitGate {
  const nothing = () => undefined;
  return {
    async reserve(channelId, limit) {
      const key = keys.gate(channelId);
      const capped = Number.isFinite(limit) ? Math.min(Math.floor(limit), MAX_LIMIT) : MAX_LIMIT;
      const decision = await link.run(
        async (): Promise<GateDecision> => {
          const [outcome, count] = await scripts.gateReserve(key, capped);
          if (outcome === 1) return { kind: "reserved" };
          if (outcome === 0) return { kind: "refused", count, limit };
          return UNKNOWN;
        },
        () => UNKNOWN,
        [key],
      );
      if (decision.kind === "refused") counters.increment("gateRefusals");
      return decision;
    },
    async release(channelId) {
      const key = keys.gate(channelId);
      await link.run(() => scripts.gateRelease(key), nothing, [key]);
    },
    async add(channelId) {
      const key = keys.gate(channelId);
      await link.run(() => scripts.gateAdd(key), nothing, [key]);
    },
    async seed(channelId, liveCount) {
      const key = keys.gate(channelId);
      const count = checkedCount(liveCount);
      await link.run(() => client.set(key, count, "EX", ttlSeconds), nothing, [key]);
    },
    async peek(channelId) {
      const raw = await link.run(
        () => client.get(keys.gate(channelId)),
        () => null,
      );
      if (raw === null) return undefined;
      const count = Number(raw);
      return Number.isInteger(count) ? count : undefined;
    },
  };
}
