import { isLive } from "../../domain/task-states.ts";
import { enqueueOutbox } from "../../store/outbox.ts";
import {
  claimReminder,
  type DueReminderRef,
  dropReminder,
  findDueReminders,
  markReminderSent,
} from "../../store/reminders.ts";
import { updateTask } from "../../store/tasks.ts";
import type { Engine } from "../engine.ts";
import { mutate } from "../mutate.ts";
import { recordChange, target } from "../tasks/record-change.ts";

export interface SendRemindersOptions {
  /** The bot's own user id: the actor of "went overdue" in the history. Undefined until known. */
  systemUserId: () => string | undefined;
  batchSize?: number;
}

/**
 * One pass: every reminder whose time has come. Each is claimed in its own transaction (the reminder
 * row and its task, SKIP LOCKED), marked sent and its outbox row written in that transaction, so N
 * instances send each (task, offset) once. A reminder of a task no longer live, or of a due date it
 * no longer has, is dropped. The one at the due time also marks the task overdue (a change: its card
 * says so). Returns how many reminder messages it queued.
 */
export async function sendReminders(engine: Engine, options: SendRemindersOptions): Promise<number> {
  const userId = options.systemUserId();
  if (!userId) return 0;
  const batchSize = options.batchSize ?? 50;
  let queued = 0;
  // Batch after batch while they come full and this pass claims some (rows another instance holds
  // come back as candidates; a pass does not spin on them).
  for (let batch = 0; batch < MAX_BATCHES_PER_PASS; batch += 1) {
    const due = await findDueReminders(engine.db, engine.now(), batchSize);
    let handled = 0;
    for (const ref of due) {
      try {
        const outcome = await sendOne(engine, userId, ref);
        if (outcome !== "locked") handled += 1;
        if (outcome === "queued") queued += 1;
      } catch (error) {
        engine.log.warn({ err: error, ...ref }, "could not send a reminder; the next pass tries again");
      }
    }
    if (due.length < batchSize || handled === 0) break;
  }
  return queued;
}

const MAX_BATCHES_PER_PASS = 20;

/** queued: its message is in the outbox; done: nothing to send (dropped, or silent); locked: not ours now. */
async function sendOne(
  engine: Engine,
  userId: string,
  ref: DueReminderRef,
): Promise<"queued" | "done" | "locked"> {
  return mutate(engine, ref.guildId, async (tx, effects) => {
    const now = engine.now();
    const claimed = await claimReminder(tx, ref);
    if (!claimed) return "locked";
    const { reminder, task } = claimed;
    if (!isLive(task.status) || task.dueAt?.toISOString() !== reminder.dueAt) {
      await dropReminder(tx, ref.taskId, ref.offsetMinutes);
      return "done";
    }
    await markReminderSent(tx, ref.taskId, ref.offsetMinutes, now);
    let current = task;
    if (reminder.offsetMinutes <= 0 && task.metadata.overdue !== true) {
      const updated = await updateTask(tx, task, { metadata: { ...task.metadata, overdue: true } }, now);
      if (!updated) throw new Error("the task changed under its row lock");
      const change = { task: updated, actorId: userId, source: "system" as const, kind: "overdue" };
      await recordChange(tx, effects, { ...change, details: { due: reminder.dueAt } }, now);
      current = updated;
    }
    if (!reminder.notify) return "done";
    const payload = { taskId: current.id, offsetMinutes: reminder.offsetMinutes, dueAt: reminder.dueAt };
    await enqueueOutbox(tx, target(current), { kind: "reminder", payload }, now);
    effects.outbox = true;
    return "queued";
  });
}
