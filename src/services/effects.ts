import { viewKeys } from "../cache/keys.ts";
import type { FreshView } from "../cache/types.ts";
import { statsBlockOf } from "../store/stats.ts";
import { engineKeys } from "./cache-keys.ts";
import type { Engine } from "./engine.ts";
import { rebuildGateCounter } from "./gate/gate-drift.ts";

/**
 * What a committed transaction must tell the cache and the other instances. Collected while the
 * transaction runs and applied only after it commits (never before: a reader could cache the old row).
 */
export class Effects {
  readonly viewKeys = new Set<string>();
  readonly changed = new Map<number, number>();
  /** Channels whose live-task count changed: their gate counter is recounted after the commit. */
  readonly gateRecount = new Set<string>();
  /** Views this transaction produced, stored as it deletes their keys (see ViewCache.del). */
  readonly fresh: FreshView[] = [];
  outbox = false;

  constructor(readonly guildId: string) {}

  /** A task changed: its view, its channel's queue summary, and a signal. */
  task(task: { id: number; number: number; channelId: string }): void {
    this.changed.set(task.id, task.number);
    this.viewKeys.add(viewKeys.task(this.guildId, task.number));
    this.viewKeys.add(viewKeys.queue(this.guildId, task.channelId));
    this.viewKeys.add(engineKeys.statsPart(this.guildId, task.channelId));
    this.viewKeys.add(engineKeys.statsBlock(this.guildId, task.channelId, statsBlockOf(task.number)));
    this.viewKeys.add(engineKeys.stats(this.guildId));
  }

  /** Tasks whose views show a changed one (parent, subtasks, dependents). */
  numbers(numbers: Iterable<number>): void {
    for (const number of numbers) this.viewKeys.add(viewKeys.task(this.guildId, number));
  }

  key(key: string): void {
    this.viewKeys.add(key);
  }
}

/** Best effort: the cache is never the only copy, so a failure here is logged, not thrown. */
export async function applyEffects(engine: Engine, effects: Effects): Promise<void> {
  const { cache, log } = engine;
  const attempt = async (what: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      log.warn({ err: error, what }, "post-commit cache step failed");
    }
  };
  const deleting =
    effects.viewKeys.size > 0 || effects.fresh.length > 0
      ? attempt("views.del", () => cache.views.del([...effects.viewKeys], effects.fresh))
      : Promise.resolve();
  // Recount rather than adjust: a relative step applied after a rebuild that already counted this
  // commit would leave the counter one too high, refusing creates Postgres would admit.
  if (effects.gateRecount.size > 0) {
    await deleting;
    for (const channelId of effects.gateRecount) {
      await attempt("gate.rebuild", async () => {
        await rebuildGateCounter(engine.database, cache.gate, channelId);
      });
    }
  }
  // The signals go out once the views they announce are gone: issued after the delete on the same
  // connection, Redis runs them after it, and with nothing between they share its round trip.
  const signals = [...effects.changed].map(([taskId, number]) =>
    attempt("signal", () =>
      cache.signals.publish({ type: "task_changed", guildId: effects.guildId, taskId, number }),
    ),
  );
  if (effects.outbox) signals.push(attempt("signal", () => cache.signals.publish({ type: "outbox_ready" })));
  await Promise.all([deleting, ...signals]);
}
