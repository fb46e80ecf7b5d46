import { type SQL, sql } from "drizzle-orm";
import type { AttemptOutcome, Priority, TaskStatus } from "../domain/task-states.ts";
import type { AttemptResult, AttemptView, TaskRef, TaskView } from "../domain/task-view.ts";
import type { Queryable } from "./database.ts";
import { fromJson, queryRows, toIso } from "./raw.ts";

/** Rows as the services hand them out: the store builds TaskViews directly. */
export type RefRecord = TaskRef;
export type TaskViewRecord = TaskView;

const ref = (alias: string) =>
  sql.raw(`json_build_object('number', ${alias}.number, 'title', ${alias}.title, 'status', ${alias}.status)`);

const TASK_COLUMNS = sql.raw(
  [
    "id",
    "guild_id",
    "channel_id",
    "number",
    "title",
    "description",
    "status",
    "priority",
    "labels",
    "assignee_id",
    "created_by",
    "estimate_minutes",
    "due_at",
    "started_at",
    "submitted_at",
    "completed_at",
    "attempts",
    "next_attempt_at",
    "lease_expires_at",
    "rework_count",
    "version",
    "created_at",
    "updated_at",
  ]
    .map((column) => `t.${column}`)
    .join(", "),
);

/** `where`/`order` refer to the task as `t`. Each relative is one indexed lookup per row. */
export async function selectTaskViews(
  q: Queryable,
  where: SQL,
  { order = sql`t.number`, limit, offset }: { order?: SQL; limit?: number; offset?: number } = {},
): Promise<TaskViewRecord[]> {
  const rows = await queryRows(
    q,
    sql`
    SELECT ${TASK_COLUMNS},
      (SELECT ${ref("p")} FROM tasks p WHERE p.id = t.parent_id) AS parent,
      (SELECT coalesce(json_agg(${ref("d")} ORDER BY d.number), '[]'::json)
        FROM task_dependencies td JOIN tasks d ON d.id = td.depends_on_id WHERE td.task_id = t.id) AS dependencies,
      (SELECT coalesce(json_agg(${ref("b")} ORDER BY b.number), '[]'::json)
        FROM task_dependencies tb JOIN tasks b ON b.id = tb.task_id WHERE tb.depends_on_id = t.id) AS blocks,
      (SELECT coalesce(json_agg(${ref("s")} ORDER BY s.number), '[]'::json)
        FROM tasks s WHERE s.parent_id = t.id) AS subtasks,
      t.metadata->'question' AS question,
      CASE WHEN t.status = 'in_review' THEN
        (SELECT json_build_object('attempt', a.attempt, 'assigneeId', a.assignee_id, 'startedAt', a.started_at,
            'endedAt', a.ended_at, 'outcome', a.outcome, 'summary', a.summary, 'result', a.result, 'error', a.error)
          FROM task_attempts a WHERE a.task_id = t.id AND a.outcome = 'submitted'
          ORDER BY a.attempt DESC LIMIT 1)
      END AS submission,
      (SELECT json_build_object('actorId', e.actor_id, 'kind', e.kind, 'at', e.created_at, 'source', e.source,
          'dependency', (e.details->>'lastDependency')::int)
        FROM task_events e WHERE e.task_id = t.id ORDER BY e.id DESC LIMIT 1) AS last_event
    FROM tasks t
    WHERE ${where}
    ORDER BY ${order}
    ${limit === undefined ? sql`` : sql`LIMIT ${limit}`}
    ${offset === undefined ? sql`` : sql`OFFSET ${offset}`}`,
  );
  return rows.map(toTaskViewRecord);
}

export async function selectTaskView(
  q: Queryable,
  guildId: string,
  number: number,
): Promise<TaskViewRecord | undefined> {
  const [view] = await selectTaskViews(q, sql`t.guild_id = ${guildId} AND t.number = ${number}`);
  return view;
}

export async function selectTaskViewsByIds(q: Queryable, ids: readonly number[]): Promise<TaskViewRecord[]> {
  if (ids.length === 0) return [];
  return selectTaskViews(q, sql`t.id = ANY(${sql.param([...ids])}::int[])`);
}

function toQuestion(row: Record<string, unknown> | null): TaskView["question"] {
  if (!row || typeof row.text !== "string") return null;
  return { text: row.text, askedBy: String(row.askedBy), at: String(row.at) };
}

function toAttemptView(row: Record<string, unknown> | null): AttemptView | null {
  if (!row) return null;
  return {
    attempt: Number(row.attempt),
    assigneeId: String(row.assigneeId),
    startedAt: toIso(row.startedAt)!,
    endedAt: toIso(row.endedAt),
    outcome: (row.outcome as AttemptOutcome | null) ?? null,
    summary: (row.summary as string | null) ?? null,
    result: (row.result as AttemptResult | null) ?? null,
    error: (row.error as string | null) ?? null,
  };
}

function toTaskViewRecord(row: Record<string, unknown>): TaskViewRecord {
  const lastEvent = fromJson<TaskView["lastEvent"]>(row.last_event);
  const nullableNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    id: Number(row.id),
    guildId: String(row.guild_id),
    channelId: String(row.channel_id),
    number: Number(row.number),
    title: String(row.title),
    description: String(row.description),
    status: row.status as TaskStatus,
    priority: row.priority as Priority,
    labels: fromJson<string[]>(row.labels) ?? [],
    assigneeId: (row.assignee_id as string | null) ?? null,
    createdBy: String(row.created_by),
    parent: fromJson<RefRecord | null>(row.parent) ?? null,
    estimateMinutes: nullableNumber(row.estimate_minutes),
    dueAt: toIso(row.due_at),
    startedAt: toIso(row.started_at),
    submittedAt: toIso(row.submitted_at),
    completedAt: toIso(row.completed_at),
    attempts: Number(row.attempts),
    nextAttemptAt: toIso(row.next_attempt_at),
    leaseExpiresAt: toIso(row.lease_expires_at),
    reworkCount: Number(row.rework_count),
    version: Number(row.version),
    createdAt: toIso(row.created_at)!,
    updatedAt: toIso(row.updated_at)!,
    dependencies: fromJson<RefRecord[]>(row.dependencies) ?? [],
    blocks: fromJson<RefRecord[]>(row.blocks) ?? [],
    subtasks: fromJson<RefRecord[]>(row.subtasks) ?? [],
    question: toQuestion(fromJson<Record<string, unknown> | null>(row.question) ?? null),
    submission: toAttemptView(fromJson<Record<string, unknown> | null>(row.submission) ?? null),
    lastEvent: lastEvent ? { ...lastEvent, at: toIso(lastEvent.at)! } : null,
  };
}
