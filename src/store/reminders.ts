import { and, eq, isNull, sql } from "drizzle-orm";
import type { Queryable, Tx } from "./database.ts";
import { LIVE_LIST, queryRows } from "./raw.ts";
import { type TaskRow, taskReminders, tasks } from "./schema.ts";

/** Overdue reminders after the one at the due time: a day, two and three days late. */
export const OVERDUE_OFFSETS = [-1440, -2880, -4320] as const;

/**
 * Inserts the reminders of the given tasks' due dates from their channels' settings: one per
 * remind-before offset still ahead, and (remind-overdue) at the due time and daily three times after
 * it. The row at the due time is always armed, silent when remind-overdue is off or the time has
 * passed: it is what marks the task overdue. An existing (task, offset) row is kept, so a reminder
 * already sent is never armed again for the same date.
 */
async function insertReminders(tx: Tx, taskIds: readonly number[], now: Date): Promise<void> {
  if (taskIds.length === 0) return;
  const at = now.toISOString();
  await tx.execute(sql`
    INSERT INTO task_reminders (task_id, offset_minutes, due_at, remind_at, notify)
    SELECT t.id, o.offset_minutes, t.due_at, t.due_at - make_interval(mins => o.offset_minutes),
      o.notify AND t.due_at - make_interval(mins => o.offset_minutes) > ${at}::timestamptz
    FROM tasks t
    LEFT JOIN channel_settings cs ON cs.channel_id = t.channel_id
    CROSS JOIN LATERAL (
      SELECT unnest(coalesce(cs.remind_before_minutes, '{1440}'::int[])) AS offset_minutes, true AS notify
      UNION ALL SELECT 0, coalesce(cs.remind_overdue, true)
      UNION ALL SELECT unnest(${sql.param([...OVERDUE_OFFSETS])}::int[]), true
        WHERE coalesce(cs.remind_overdue, true)
    ) o
    WHERE t.id = ANY(${sql.param([...taskIds])}::int[]) AND t.due_at IS NOT NULL AND t.status IN ${LIVE_LIST}
      AND (o.offset_minutes = 0 OR t.due_at - make_interval(mins => o.offset_minutes) > ${at}::timestamptz)
    ON CONFLICT (task_id, offset_minutes) DO NOTHING`);
}

/** A due date was set, changed or cleared: the old date's reminders go, the new one's are armed. */
export async function rearmTaskReminders(tx: Tx, taskId: number, now: Date): Promise<void> {
  await tx.execute(sql`DELETE FROM task_reminders WHERE task_id = ${taskId}`);
  await insertReminders(tx, [taskId], now);
}

/** A new task (or one made live again): its reminders, keeping those already sent. */
export async function armTaskReminders(
  tx: Tx,
  task: Pick<TaskRow, "id" | "dueAt">,
  now: Date,
): Promise<void> {
  if (task.dueAt !== null) await insertReminders(tx, [task.id], now);
}

/** The channel's reminder settings changed: the live tasks' unsent reminders follow them. */
export async function rearmChannelReminders(tx: Tx, channelId: string, now: Date): Promise<void> {
  const rows = await queryRows<{ id: number }>(
    tx,
    sql`SELECT id FROM tasks WHERE channel_id = ${channelId} AND due_at IS NOT NULL AND status IN ${LIVE_LIST}`,
  );
  const ids = rows.map((row) => Number(row.id));
  if (ids.length === 0) return;
  await tx.execute(
    sql`DELETE FROM task_reminders WHERE task_id = ANY(${sql.param(ids)}::int[]) AND sent_at IS NULL`,
  );
  await insertReminders(tx, ids, now);
}

export interface DueReminderRef {
  taskId: number;
  offsetMinutes: number;
  guildId: string;
}

/** Reminders whose time has come, oldest first: candidates only, each is claimed in its own transaction. */
export async function findDueReminders(q: Queryable, now: Date, limit: number): Promise<DueReminderRef[]> {
  const rows = await queryRows<{ task_id: number; offset_minutes: number; guild_id: string }>(
    q,
    sql`
    SELECT r.task_id, r.offset_minutes, t.guild_id
    FROM task_reminders r JOIN tasks t ON t.id = r.task_id
    WHERE r.sent_at IS NULL AND r.remind_at <= ${now.toISOString()}::timestamptz
    ORDER BY r.remind_at
    LIMIT ${limit}`,
  );
  return rows.map((row) => ({
    taskId: Number(row.task_id),
    offsetMinutes: Number(row.offset_minutes),
    guildId: row.guild_id,
  }));
}

export interface ClaimedReminder {
  offsetMinutes: number;
  dueAt: string;
  notify: boolean;
}

/**
 * Locks one unsent reminder and its task (SKIP LOCKED: another instance, or a change to the task,
 * holds it; it is tried on a later pass) and answers both. undefined: it was sent or changed
 * meanwhile, or is locked.
 */
export async function claimReminder(
  tx: Tx,
  ref: DueReminderRef,
): Promise<{ reminder: ClaimedReminder; task: TaskRow } | undefined> {
  const [row] = await tx
    .select({ reminder: taskReminders, task: tasks })
    .from(taskReminders)
    .innerJoin(tasks, eq(tasks.id, taskReminders.taskId))
    .where(
      and(
        eq(taskReminders.taskId, ref.taskId),
        eq(taskReminders.offsetMinutes, ref.offsetMinutes),
        isNull(taskReminders.sentAt),
      ),
    )
    .for("update", { of: [taskReminders, tasks], skipLocked: true });
  if (!row) return undefined;
  const { offsetMinutes, dueAt, notify } = row.reminder;
  return { task: row.task, reminder: { offsetMinutes, dueAt: dueAt.toISOString(), notify } };
}

export async function markReminderSent(tx: Tx, taskId: number, offsetMinutes: number, now: Date) {
  await tx.execute(sql`
    UPDATE task_reminders SET sent_at = ${now.toISOString()}::timestamptz
    WHERE task_id = ${taskId} AND offset_minutes = ${offsetMinutes}`);
}

/** A reminder of a task no longer live, or of a date it no longer has: nothing to send, ever. */
export async function dropReminder(tx: Tx, taskId: number, offsetMinutes: number) {
  await tx.execute(
    sql`DELETE FROM task_reminders WHERE task_id = ${taskId} AND offset_minutes = ${offsetMinutes}`,
  );
}

/** The operator gauge: reminders whose time has come and that are not sent yet. */
export async function countRemindersDue(q: Queryable, now: Date): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    q,
    sql`SELECT count(*)::int AS n FROM task_reminders
        WHERE sent_at IS NULL AND remind_at <= ${now.toISOString()}::timestamptz`,
  );
  return Number(row?.n ?? 0);
}
