import { desc, eq, type SQL, sql } from "drizzle-orm";
import type { EventSource, ReviewVerdict, TaskStatus } from "../domain/task-states.ts";
import type { Queryable, Tx } from "./database.ts";
import { newNonce, type OutboxMessage, type OutboxTarget } from "./outbox.ts";
import { type TaskEventRow, taskEvents } from "./schema.ts";

export interface NewEvent {
  taskId: number;
  guildId: string;
  actorId: string;
  kind: string;
  fromStatus?: TaskStatus | null;
  toStatus?: TaskStatus | null;
  details?: Record<string, unknown>;
  source: EventSource;
}

export async function insertEvent(tx: Tx, event: NewEvent, now: Date): Promise<void> {
  await tx.insert(taskEvents).values({
    ...event,
    fromStatus: event.fromStatus ?? null,
    toStatus: event.toStatus ?? null,
    details: event.details ?? {},
    createdAt: now,
  });
}

/** An outbox row that goes with a change (`notBefore`: hold it until then). */
export interface ChangeMessage {
  target: OutboxTarget;
  message: OutboxMessage;
  notBefore?: Date;
}

/** The rows a change writes besides the task row, all in one statement. */
export interface ChangeRows {
  /** The task's live card, refreshed at `version` (coalesced per task), due at `dueAt`. */
  card?: { target: OutboxTarget; version: number; dueAt: Date };
  /** Other outbox rows (assignment, rework, review_request, creator_notice …), after the card's. */
  messages?: readonly ChangeMessage[];
  review?: { taskId: number; reviewerId: string; verdict: ReviewVerdict; comment: string | null };
  /** Events recorded just before the change's own (`next`: claimed, then started). */
  earlierEvents?: readonly NewEvent[];
  /** Opens the task's next attempt (openAttempt's rows: one left open is closed as released). */
  openAttempt?: { taskId: number; assigneeId: string };
}

/**
 * The event, the card outbox row, the other outbox rows and the review a change writes, in one
 * statement (data-modifying CTEs): the same rows insertEvent, enqueueOutbox and insertReview write.
 * The outbox rows go in one multi-row INSERT, in order (the card first).
 */
export async function insertChange(tx: Tx, event: NewEvent, rows: ChangeRows, now: Date): Promise<void> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const eventRow = (e: NewEvent) =>
    sql`(${e.taskId}, ${e.guildId}, ${e.actorId}, ${e.kind}, ${e.fromStatus ?? null}, ${e.toStatus ?? null},
        ${JSON.stringify(e.details ?? {})}::jsonb, ${e.source}, ${at})`;
  const events = [...(rows.earlierEvents ?? []), event].map(eventRow);
  const parts: SQL[] = [
    sql`event AS (
      INSERT INTO task_events (task_id, guild_id, actor_id, kind, from_status, to_status, details, source, created_at)
      VALUES ${sql.join(events, sql`, `)})`,
  ];
  if (rows.openAttempt) {
    const { taskId, assigneeId } = rows.openAttempt;
    parts.push(sql`superseded AS (
      UPDATE task_attempts SET ended_at = ${at}, outcome = 'released', summary = NULL, result = NULL,
        error = 'superseded by a new attempt'
      WHERE task_id = ${taskId} AND ended_at IS NULL)`);
    parts.push(sql`attempt AS (
      INSERT INTO task_attempts (task_id, assignee_id, started_at, attempt)
      VALUES (${taskId}, ${assigneeId}, ${at},
        (SELECT coalesce(max(attempt), 0) + 1 FROM task_attempts WHERE task_id = ${taskId})))`);
  }
  const { review } = rows;
  if (review) {
    parts.push(sql`review AS (
      INSERT INTO task_reviews (task_id, reviewer_id, verdict, comment, created_at)
      VALUES (${review.taskId}, ${review.reviewerId}, ${review.verdict}, ${review.comment}, ${at}))`);
  }
  const outboxRows: SQL[] = [];
  const outboxRow = (target: OutboxTarget, message: OutboxMessage, due: Date) =>
    sql`(${target.guildId}, ${target.channelId}, ${target.taskId}, ${message.kind}, ${JSON.stringify(message.payload)}::jsonb,
      ${message.kind === "card" ? `card:${target.taskId}` : null}, ${newNonce()}, ${due.toISOString()}::timestamptz, ${at})`;
  if (rows.card) {
    const { target, version, dueAt } = rows.card;
    outboxRows.push(outboxRow(target, { kind: "card", payload: { taskId: target.taskId, version } }, dueAt));
  }
  for (const { target, message, notBefore } of rows.messages ?? []) {
    outboxRows.push(outboxRow(target, message, notBefore ?? now));
  }
  const main =
    outboxRows.length === 0
      ? sql`SELECT 1`
      : sql`INSERT INTO outbox (guild_id, channel_id, task_id, kind, payload, coalesce_key, nonce, next_attempt_at, created_at)
    VALUES ${sql.join(outboxRows, sql`, `)}`;
  await tx.execute(sql`WITH ${sql.join(parts, sql`, `)} ${main}`);
}

export async function latestEvent(q: Queryable, taskId: number): Promise<TaskEventRow | undefined> {
  const [row] = await q
    .select()
    .from(taskEvents)
    .where(eq(taskEvents.taskId, taskId))
    .orderBy(desc(taskEvents.id))
    .limit(1);
  return row;
}
