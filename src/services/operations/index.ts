import { TASK_STATUSES, type TaskStatus } from "../../domain/task-states.ts";
import { countTasksByStatus, deepestQueues, outboxBacklog } from "../../store/operator-stats.ts";
import { countRemindersDue } from "../../store/reminders.ts";
import type { OperationsService, ServiceDeps } from "../contracts.ts";
import { createEngine, type Engine } from "../engine.ts";
import type { OperatorSnapshot } from "../views.ts";

/** At most this many channels get a queue-depth series: the deepest ones (bounded label cardinality). */
export const QUEUE_DEPTH_CHANNELS = 100;
/** Scrapes within this long share one rollup: three cheap queries per window, whatever the scrape rate. */
export const ROLLUP_TTL_MS = 15_000;

/** What an operator watches: work by status, the deepest queues, the outbox, reminders falling behind. */
export function createOperationsService(deps: ServiceDeps & { rollupTtlMs?: number }): OperationsService {
  const engine = createEngine(deps);
  const ttl = deps.rollupTtlMs ?? ROLLUP_TTL_MS;
  let cached: { at: number; snapshot: Promise<OperatorSnapshot> } | undefined;
  return {
    snapshot() {
      const now = engine.now().getTime();
      if (!cached || now - cached.at >= ttl) {
        const snapshot = rollup(engine);
        cached = { at: now, snapshot };
        snapshot.catch(() => {
          if (cached?.snapshot === snapshot) cached = undefined;
        });
      }
      return cached.snapshot;
    },
  };
}

async function rollup(engine: Engine): Promise<OperatorSnapshot> {
  const [byStatus, queues, outbox, remindersDue] = await Promise.all([
    countTasksByStatus(engine.db),
    deepestQueues(engine.db, QUEUE_DEPTH_CHANNELS),
    outboxBacklog(engine.db),
    countRemindersDue(engine.db, engine.now()),
  ]);
  const tasksByStatus = Object.fromEntries(TASK_STATUSES.map((status) => [status, 0])) as Record<
    TaskStatus,
    number
  >;
  for (const { status, count } of byStatus) tasksByStatus[status] = count;
  const takenAt = engine.now();
  return {
    takenAt: takenAt.toISOString(),
    tasksByStatus,
    queues,
    outbox: {
      pending: outbox.pending,
      dead: outbox.dead,
      oldestPendingSeconds:
        outbox.oldestPendingAt === null
          ? 0
          : Math.max(0, (takenAt.getTime() - new Date(outbox.oldestPendingAt).getTime()) / 1000),
    },
    remindersDue,
  };
}
