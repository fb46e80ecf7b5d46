import { type SQL, sql } from "drizzle-orm";
import type { EventSource, ReviewVerdict, TaskStatus } from "../domain/task-states.ts";
import type { Queryable, Tx } from "./database.ts";
import { newNonce, type OutboxMessage, type OutboxTarget } from "./outbox.ts";
import { columnsAs, prepareStatement, runPreparedOn, StatementShapes } from "./prepared.ts";
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
  const events = [...(rows.earlierEvents ?? []), event];
  const outbox: [OutboxTarget, OutboxMessage, Date][] = [];
  if (rows.card) {
    const { target, version, dueAt } = rows.card;
    outbox.push([target, { kind: "card", payload: { taskId: target.taskId, version } }, dueAt]);
  }
  for (const { target, message, notBefore } of rows.messages ?? [])
    outbox.push([target, message, notBefore ?? now]);
  const shape = {
    events: events.length,
    attempt: Boolean(rows.openAttempt),
    review: Boolean(rows.review),
    outbox: outbox.length,
  };
  const statement = CHANGE_SHAPES.get(
    `${shape.events}|${shape.attempt}|${shape.review}|${shape.outbox}`,
    () => changeSql(shape),
  );
  const values: Record<string, unknown> = { at: now.toISOString() };
  events.forEach((e, i) => {
    values[`e${i}TaskId`] = e.taskId;
    values[`e${i}GuildId`] = e.guildId;
    values[`e${i}ActorId`] = e.actorId;
    values[`e${i}Kind`] = e.kind;
    values[`e${i}From`] = e.fromStatus ?? null;
    values[`e${i}To`] = e.toStatus ?? null;
    values[`e${i}Details`] = JSON.stringify(e.details ?? {});
    values[`e${i}Source`] = e.source;
  });
  if (rows.openAttempt) {
    values.attemptTaskId = rows.openAttempt.taskId;
    values.attemptAssigneeId = rows.openAttempt.assigneeId;
  }
  if (rows.review) {
    values.reviewTaskId = rows.review.taskId;
    values.reviewerId = rows.review.reviewerId;
    values.verdict = rows.review.verdict;
    values.comment = rows.review.comment;
  }
  outbox.forEach(([target, message, due], i) => {
    values[`o${i}GuildId`] = target.guildId;
    values[`o${i}ChannelId`] = target.channelId;
    values[`o${i}TaskId`] = target.taskId;
    values[`o${i}Kind`] = message.kind;
    values[`o${i}Payload`] = JSON.stringify(message.payload);
    values[`o${i}Coalesce`] = message.kind === "card" ? `card:${target.taskId}` : null;
    values[`o${i}Nonce`] = newNonce();
    values[`o${i}Due`] = due.toISOString();
  });
  await runPreparedOn(tx, statement, values);
}

const CHANGE_SHAPES = new StatementShapes<Record<string, unknown>>("tasklane_insert_change");

/** insertChange's statement for this many events and outbox rows, with or without the attempt and the review. */
function changeSql(shape: { events: number; attempt: boolean; review: boolean; outbox: number }): SQL {
  const p = (name: string) => sql.placeholder(name);
  const at = sql`${p("at")}::timestamptz`;
  const eventRows = Array.from(
    { length: shape.events },
    (_, i) => sql`(${p(`e${i}TaskId`)}::int, ${p(`e${i}GuildId`)}::text, ${p(`e${i}ActorId`)}::text,
      ${p(`e${i}Kind`)}::text, ${p(`e${i}From`)}::text, ${p(`e${i}To`)}::text, ${p(`e${i}Details`)}::jsonb,
      ${p(`e${i}Source`)}::text, ${at})`,
  );
  const parts: SQL[] = [
    sql`event AS (
      INSERT INTO task_events (task_id, guild_id, actor_id, kind, from_status, to_status, details, source, created_at)
      VALUES ${sql.join(eventRows, sql`, `)})`,
  ];
  if (shape.attempt) {
    const taskId = sql`${p("attemptTaskId")}::int`;
    parts.push(sql`superseded AS (
      UPDATE task_attempts SET ended_at = ${at}, outcome = 'released', summary = NULL, result = NULL,
        error = 'superseded by a new attempt'
      WHERE task_id = ${taskId} AND ended_at IS NULL)`);
    parts.push(sql`attempt AS (
      INSERT INTO task_attempts (task_id, assignee_id, started_at, attempt)
      VALUES (${taskId}, ${p("attemptAssigneeId")}::text, ${at},
        (SELECT coalesce(max(attempt), 0) + 1 FROM task_attempts WHERE task_id = ${taskId})))`);
  }
  if (shape.review) {
    parts.push(sql`review AS (
      INSERT INTO task_reviews (task_id, reviewer_id, verdict, comment, created_at)
      VALUES (${p("reviewTaskId")}::int, ${p("reviewerId")}::text, ${p("verdict")}::text, ${p("comment")}::text, ${at}))`);
  }
  const outboxRows = Array.from(
    { length: shape.outbox },
    (_, i) => sql`(${p(`o${i}GuildId`)}::text, ${p(`o${i}ChannelId`)}::text, ${p(`o${i}TaskId`)}::int,
      ${p(`o${i}Kind`)}::text, ${p(`o${i}Payload`)}::jsonb, ${p(`o${i}Coalesce`)}::text, ${p(`o${i}Nonce`)}::text,
      ${p(`o${i}Due`)}::timestamptz, ${at})`,
  );
  const main =
    outboxRows.length === 0
      ? sql`SELECT 1`
      : sql`INSERT INTO outbox (guild_id, channel_id, task_id, kind, payload, coalesce_key, nonce, next_attempt_at, created_at)
    VALUES ${sql.join(outboxRows, sql`, `)}`;
  return sql`WITH ${sql.join(parts, sql`, `)} ${main}`;
}

const LATEST = prepareStatement<{ taskId: number }>(
  "tasklane_latest_event",
  sql`SELECT ${columnsAs(taskEvents, "e")} FROM task_events e
  WHERE e.task_id = ${sql.placeholder("taskId")}::int ORDER BY e.id DESC LIMIT 1`,
);

export async function latestEvent(q: Queryable, taskId: number): Promise<TaskEventRow | undefined> {
  const [row] = await runPreparedOn<TaskEventRow & Record<string, unknown>, { taskId: number }>(q, LATEST, {
    taskId,
  });
  return row;
}
