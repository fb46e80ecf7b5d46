import { sql } from "drizzle-orm";
import { nextDue } from "../../domain/recurrence.ts";
import { DEFAULT_TIME_ZONE } from "../../domain/time-zone.ts";
import { findGuildSettings } from "../../store/channel-settings.ts";
import { nextTaskNumber } from "../../store/counters.ts";
import type { Tx } from "../../store/database.ts";
import { enqueueOutbox } from "../../store/outbox.ts";
import { armTaskReminders } from "../../store/reminders.ts";
import type { TaskRow } from "../../store/schema.ts";
import { insertTask } from "../../store/tasks.ts";
import type { ActionContext } from "../contracts.ts";
import type { Effects } from "../effects.ts";
import { recordChange, target } from "./record-change.ts";

/**
 * A recurring task was done (or skipped): its next occurrence, in the same transaction. Same title,
 * description, priority, labels, estimate, assignee and channel; due one period after the previous
 * due date (or the completion when there was none), on the server's wall clock. Returns its number
 * (the closing event names it: the two are linked in history both ways), or null for a one-off task;
 * a task continues its series once, even if reopened and closed again.
 */
export async function continueSeries(
  tx: Tx,
  effects: Effects,
  ctx: ActionContext,
  closed: TaskRow,
  now: Date,
): Promise<number | null> {
  if (closed.recurrence === null || typeof closed.metadata.nextOccurrence === "number") return null;
  const timeZone = (await findGuildSettings(tx, closed.guildId))?.timezone ?? DEFAULT_TIME_ZONE;
  const from = closed.dueAt ?? closed.completedAt ?? now;
  const next = await insertTask(tx, {
    guildId: closed.guildId,
    channelId: closed.channelId,
    number: await nextTaskNumber(tx, closed.guildId),
    title: closed.title,
    description: closed.description,
    status: "open",
    priority: closed.priority,
    labels: closed.labels,
    assigneeId: closed.assigneeId,
    createdBy: closed.createdBy,
    estimateMinutes: closed.estimateMinutes,
    dueAt: nextDue(from, closed.recurrence, timeZone, now),
    recurrence: closed.recurrence,
    metadata: { previousOccurrence: closed.number },
    createdAt: now,
    updatedAt: now,
  });
  await recordChange(
    tx,
    effects,
    {
      task: next,
      actorId: ctx.actor.userId,
      source: "system",
      kind: "created",
      to: next.status,
      details: { title: next.title, assigneeId: next.assigneeId, repeats: closed.number },
    },
    now,
  );
  // Not a change of the closed task (its version stays): where its series went, for history and re-closes.
  await tx.execute(sql`
    UPDATE tasks SET metadata = metadata || jsonb_build_object('nextOccurrence', ${next.number}::int)
    WHERE id = ${closed.id}`);
  await armTaskReminders(tx, next, now);
  if (next.assigneeId && next.assigneeId !== ctx.actor.userId) {
    const payload = { taskId: next.id, assigneeId: next.assigneeId, attempt: 1 };
    await enqueueOutbox(tx, target(next), { kind: "assignment", payload }, now);
  }
  effects.outbox = true;
  return next.number;
}
