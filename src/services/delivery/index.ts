import { viewKeys } from "../../cache/keys.ts";
import type { Cache } from "../../cache/types.ts";
import type { Database } from "../../store/database.ts";
import { startLeaseOnDelivery } from "../../store/leases.ts";
import {
  claimDueRows,
  markDead,
  markSent,
  msUntilNextDue,
  scheduleRetry,
} from "../../store/outbox-delivery.ts";
import { selectTaskViewsByIds } from "../../store/task-views.ts";
import type { DeliveryService } from "../contracts.ts";

/** The outbox as the dispatcher sees it: claim due rows, settle them, and read the task a row is about. */
export function createDeliveryService({
  database,
  cache,
  now = () => new Date(),
}: {
  database: Database;
  cache: Cache;
  now?: () => Date;
}): DeliveryService {
  const { db } = database;
  return {
    claimDue: (batch, claimMs, now) => claimDueRows(db, batch, claimMs, now),
    markSent: (ids, messageId, note) => markSent(db, ids, messageId, note),
    scheduleRetry: (ids, retryAt, error, countsAsFailure) =>
      scheduleRetry(db, ids, retryAt, error, countsAsFailure),
    markDead: (ids, error) => markDead(db, ids, error),
    msUntilNextDue: (now) => msUntilNextDue(db, now),
    async startLease(task, assigneeId, leaseMinutes) {
      const expires = await startLeaseOnDelivery(db, task.id, assigneeId, leaseMinutes, now());
      // Best effort, like every invalidation: the cache is never the only copy.
      if (expires) await cache.views.del([viewKeys.task(task.guildId, task.number)]).catch(() => undefined);
      return expires;
    },
    async committedTask(taskId) {
      const [view] = await selectTaskViewsByIds(db, [taskId]);
      return view ?? null;
    },
  };
}
