import { createRunCoalescer } from "../../cache/coalesce-runs.ts";
import type { LimitGate } from "../../cache/types.ts";
import type { Database } from "../../store/database.ts";
import { lockExistingSettings, selectLimitedChannels } from "../../store/gate-counts.ts";
import { countLiveTasks } from "../../store/tasks.ts";

export interface GateDrift {
  channelId: string;
  /** What the gate holds; undefined when the counter is absent (or Redis unavailable). */
  counter: number | undefined;
  /** Live tasks in Postgres, the truth. */
  live: number;
  /** True when the counter was set to `live`. */
  repaired: boolean;
}

export interface GateDriftOptions {
  /** Default: every channel with a queue limit. */
  channelIds?: readonly string[];
  /** Seed drifting counters from Postgres (default true). */
  repair?: boolean;
  /** Also seed counters that are absent, rather than waiting for the next create (default false). */
  rebuildMissing?: boolean;
}

/**
 * Compares the gate's counters with Postgres and, unless told not to, repairs them. A repair holds
 * the channel's settings row lock, the lock every creating transaction takes, so no create can
 * commit between the count and the seed. Returns only the channels whose counter disagreed.
 */
export async function checkGateDrift(
  database: Database,
  gate: LimitGate,
  options: GateDriftOptions = {},
): Promise<GateDrift[]> {
  const channelIds = options.channelIds ?? (await selectLimitedChannels(database.db));
  const drifts: GateDrift[] = [];
  for (const channelId of channelIds) {
    const counter = await gate.peek(channelId);
    const live = await countLiveTasks(database.db, channelId);
    const absent = counter === undefined;
    if (counter === live || (absent && !options.rebuildMissing)) continue;
    if (options.repair === false) {
      drifts.push({ channelId, counter, live, repaired: false });
      continue;
    }
    const repaired = await repairUnderLock(database, gate, channelId);
    // A seed that could not reach Redis is not a repair.
    drifts.push({
      channelId,
      counter,
      live: repaired.live,
      repaired: (await gate.peek(channelId)) !== undefined,
    });
  }
  return drifts;
}

const rebuilds = new WeakMap<LimitGate, ReturnType<typeof createRunCoalescer<number>>>();

/**
 * Sets one channel's counter from Postgres (after a flush, a restart, or a suspected drift). A burst of
 * callers for one channel (every create of a herd that found no counter) shares at most two rebuilds,
 * each starting after the caller asked, so none is answered with a count from before its commit.
 */
export function rebuildGateCounter(database: Database, gate: LimitGate, channelId: string): Promise<number> {
  let coalesce = rebuilds.get(gate);
  if (!coalesce) {
    coalesce = createRunCoalescer<number>();
    rebuilds.set(gate, coalesce);
  }
  return coalesce(channelId, async () => (await repairUnderLock(database, gate, channelId)).live);
}

async function repairUnderLock(
  database: Database,
  gate: LimitGate,
  channelId: string,
): Promise<{ live: number }> {
  return database.db.transaction(async (tx) => {
    await lockExistingSettings(tx, channelId);
    const live = await countLiveTasks(tx, channelId);
    await gate.seed(channelId, live);
    return { live };
  });
}
