import { type SQL, sql } from "drizzle-orm";
import type { AttemptOutcome, Priority, Recurrence, TaskStatus } from "../domain/task-states.ts";
import type {
  AttemptQuestion,
  AttemptResult,
  AttemptView,
  LinkedTaskRef,
  TaskView,
} from "../domain/task-view.ts";
import type { Queryable } from "./database.ts";
import { type PreparedStatement, prepareStatement, runPreparedOn } from "./prepared.ts";
import { fromJson, queryRows, toIso } from "./raw.ts";
import type { TaskRow } from "./schema.ts";

const ref = (alias: string) =>
  sql.raw(
    `json_build_object('number', ${alias}.number, 'title', ${alias}.title, 'status', ${alias}.status, 'channelId', ${alias}.channel_id)`,
  );

/** The task's own columns, named as its drizzle row (TaskRow) names them, so one mapper reads both. */
const TASK_COLUMN_NAMES = [
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
  "recurrence",
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
] as const;
const camelCase = (column: string) =>
  column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
const TASK_COLUMNS = sql.raw(
  TASK_COLUMN_NAMES.map((column) => `t.${column} AS "${camelCase(column)}"`).join(", "),
);

/** The task's relatives, one json expression each; the task is `t`. */
export const LINKED_TASK_FIELDS = {
  parent: sql`(SELECT ${ref("p")} FROM tasks p WHERE p.id = t.parent_id)`,
  dependencies: sql`(SELECT coalesce(json_agg(${ref("d")} ORDER BY d.number), '[]'::json)
        FROM task_dependencies td JOIN tasks d ON d.id = td.depends_on_id WHERE td.task_id = t.id)`,
  blocks: sql`(SELECT coalesce(json_agg(${ref("b")} ORDER BY b.number), '[]'::json)
        FROM task_dependencies tb JOIN tasks b ON b.id = tb.task_id WHERE tb.depends_on_id = t.id)`,
  subtasks: sql`(SELECT coalesce(json_agg(${ref("s")} ORDER BY s.number), '[]'::json)
        FROM tasks s WHERE s.parent_id = t.id)`,
};

function relativesOfT(): SQL {
  const f = LINKED_TASK_FIELDS;
  return sql`${f.parent} AS parent, ${f.dependencies} AS dependencies, ${f.blocks} AS blocks, ${f.subtasks} AS subtasks`;
}

/** A task's parent, dependencies, the tasks it blocks and its subtasks, as its view shows them. */
export interface LinkedTasks {
  parent: LinkedTaskRef | null;
  dependencies: LinkedTaskRef[];
  blocks: LinkedTaskRef[];
  subtasks: LinkedTaskRef[];
}

export function linkedTasksOf(row: Record<string, unknown>): LinkedTasks {
  return {
    parent: fromJson<LinkedTaskRef | null>(row.parent) ?? null,
    dependencies: fromJson<LinkedTaskRef[]>(row.dependencies) ?? [],
    blocks: fromJson<LinkedTaskRef[]>(row.blocks) ?? [],
    subtasks: fromJson<LinkedTaskRef[]>(row.subtasks) ?? [],
  };
}

const LINKED = prepareStatement<{ taskId: number }>(
  "tasklane_linked_tasks",
  sql`SELECT ${relativesOfT()} FROM tasks t WHERE t.id = ${sql.placeholder("taskId")}::int`,
);

/** The task's relatives as they are now (one statement): run it after the row lock for a fresh read. */
export async function selectLinkedTasks(q: Queryable, taskId: number): Promise<LinkedTasks> {
  const [row] = await runPreparedOn(q, LINKED, { taskId });
  return row ? linkedTasksOf(row) : { parent: null, dependencies: [], blocks: [], subtasks: [] };
}

/**
 * The view of a task just changed, from its updated row and its relatives read under the lock (no
 * query); `lastEvent` is the change's own event. A task in review also shows its submission, which
 * this does not know: read that one with selectTaskViewsByIds.
 */
export function changedTaskView(
  row: TaskRow,
  linked: LinkedTasks,
  lastEvent: NonNullable<TaskView["lastEvent"]>,
): TaskView {
  return toTaskView(row, {
    ...linked,
    question: toQuestion(
      ((row.metadata as Record<string, unknown>).question as Record<string, unknown>) ?? null,
    ),
    submission: null,
    lastEvent,
  });
}

/** The views' statement; `where`/`order` refer to the task as `t`. Each relative is one indexed lookup per row. */
export function taskViewsSql(where: SQL, order: SQL, limit?: SQL, offset?: SQL): SQL {
  return sql`
    SELECT ${TASK_COLUMNS},
      ${relativesOfT()},
      t.metadata->'question' AS question,
      jsonb_build_object('overdue', t.metadata->'overdue', 'nextOccurrence', t.metadata->'nextOccurrence') AS metadata,
      CASE WHEN t.status = 'in_review' THEN
        (SELECT json_build_object('attempt', a.attempt, 'assigneeId', a.assignee_id, 'startedAt', a.started_at,
            'endedAt', a.ended_at, 'outcome', a.outcome, 'summary', a.summary, 'result', a.result, 'error', a.error,
            'questions', a.questions)
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
    ${offset === undefined ? sql`` : sql`OFFSET ${offset}`}`;
}

/** `where`/`order` refer to the task as `t` (built per call: the hot shapes are prepared, below). */
export async function selectTaskViews(
  q: Queryable,
  where: SQL,
  { order = sql`t.number`, limit, offset }: { order?: SQL; limit?: number; offset?: number } = {},
): Promise<TaskView[]> {
  const rows = await queryRows(
    q,
    taskViewsSql(
      where,
      order,
      limit === undefined ? undefined : sql`${limit}`,
      offset === undefined ? undefined : sql`${offset}`,
    ),
  );
  return rows.map(toTaskViewFromRow);
}

/** The views a prepared statement of taskViewsSql reads. */
export async function selectPreparedTaskViews<Values extends Record<string, unknown>>(
  q: Queryable,
  statement: PreparedStatement<Values>,
  values: Values,
): Promise<TaskView[]> {
  const rows = await runPreparedOn(q, statement, values);
  return rows.map(toTaskViewFromRow);
}

const BY_NUMBER = prepareStatement<{ guildId: string; number: number }>(
  "tasklane_task_view",
  taskViewsSql(
    sql`t.guild_id = ${sql.placeholder("guildId")}::text AND t.number = ${sql.placeholder("number")}::int`,
    sql`t.number`,
  ),
);

const BY_IDS = prepareStatement<{ ids: number[] }>(
  "tasklane_task_views_by_ids",
  taskViewsSql(sql`t.id = ANY(${sql.placeholder("ids")}::int[])`, sql`t.number`),
);

export async function selectTaskView(
  q: Queryable,
  guildId: string,
  number: number,
): Promise<TaskView | undefined> {
  const [view] = await selectPreparedTaskViews(q, BY_NUMBER, { guildId, number });
  return view;
}

export async function selectTaskViewsByIds(q: Queryable, ids: readonly number[]): Promise<TaskView[]> {
  if (ids.length === 0) return [];
  return selectPreparedTaskViews(q, BY_IDS, { ids: [...ids] });
}

function toTaskViewFromRow(row: Record<string, unknown>): TaskView {
  const lastEvent = fromJson<TaskView["lastEvent"]>(row.last_event);
  return toTaskView(row as TaskColumns, {
    ...linkedTasksOf(row),
    question: toQuestion(fromJson<Record<string, unknown> | null>(row.question) ?? null),
    submission: toAttemptView(fromJson<Record<string, unknown> | null>(row.submission) ?? null),
    lastEvent: lastEvent ? { ...lastEvent, at: toIso(lastEvent.at)! } : null,
  });
}

const EXTRAS = prepareStatement<{ taskId: number }>(
  "tasklane_task_extras",
  sql`SELECT
      (SELECT json_agg(json_build_object('attempt', a.attempt, 'assigneeId', a.assignee_id,
          'startedAt', a.started_at, 'endedAt', a.ended_at, 'outcome', a.outcome, 'summary', a.summary,
          'result', a.result, 'error', a.error, 'questions', a.questions) ORDER BY a.attempt)
        FROM task_attempts a WHERE a.task_id = ${sql.placeholder("taskId")}::int) AS attempts,
      (SELECT json_build_object('channelId', m.channel_id, 'messageId', m.message_id)
        FROM task_messages m WHERE m.task_id = ${sql.placeholder("taskId")}::int) AS card`,
);

/** A task's attempts (oldest first) and its card record, by the task's id, in one statement. */
export async function selectTaskExtras(
  q: Queryable,
  taskId: number,
): Promise<{ attempts: AttemptView[]; card: { channelId: string; messageId: string } | null }> {
  const [row] = await runPreparedOn<{ attempts: unknown; card: unknown }, { taskId: number }>(q, EXTRAS, {
    taskId,
  });
  const attempts = fromJson<Record<string, unknown>[] | null>(row?.attempts ?? null) ?? [];
  return {
    attempts: attempts.map((attempt) => toAttemptView(attempt)!),
    card: fromJson<{ channelId: string; messageId: string } | null>(row?.card ?? null) ?? null,
  };
}

function toQuestion(row: Record<string, unknown> | null): TaskView["question"] {
  if (!row || typeof row.text !== "string") return null;
  return { text: row.text, askedBy: String(row.askedBy), at: String(row.at) };
}

export function toAttemptView(row: Record<string, unknown> | null): AttemptView | null {
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
    questions: (row.questions as AttemptQuestion[] | null) ?? [],
  };
}

/** A task's own fields, from a drizzle row (Dates, parsed arrays) or a raw one (timestamps as text). */
export type TaskColumns = { [K in keyof TaskRow]?: unknown };

export type TaskRelatives = Pick<
  TaskView,
  "parent" | "dependencies" | "blocks" | "subtasks" | "question" | "submission" | "lastEvent"
>;

/** The one TaskRow → TaskView mapper (the views read in SQL, and a created task's view built in memory). */
export function toTaskView(row: TaskColumns, relatives: TaskRelatives): TaskView {
  const nullableNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  const metadata = fromJson<Record<string, unknown> | null>(row.metadata ?? null);
  return {
    id: Number(row.id),
    guildId: String(row.guildId),
    channelId: String(row.channelId),
    number: Number(row.number),
    title: String(row.title),
    description: String(row.description),
    status: row.status as TaskStatus,
    priority: row.priority as Priority,
    labels: fromJson<string[]>(row.labels) ?? [],
    assigneeId: (row.assigneeId as string | null) ?? null,
    createdBy: String(row.createdBy),
    parent: relatives.parent,
    estimateMinutes: nullableNumber(row.estimateMinutes),
    dueAt: toIso(row.dueAt),
    overdue: metadata?.overdue === true,
    nextOccurrence: typeof metadata?.nextOccurrence === "number" ? metadata.nextOccurrence : null,
    repeat: (row.recurrence as Recurrence | null) ?? null,
    startedAt: toIso(row.startedAt),
    submittedAt: toIso(row.submittedAt),
    completedAt: toIso(row.completedAt),
    attempts: Number(row.attempts),
    nextAttemptAt: toIso(row.nextAttemptAt),
    leaseExpiresAt: toIso(row.leaseExpiresAt),
    reworkCount: Number(row.reworkCount),
    version: Number(row.version),
    createdAt: toIso(row.createdAt)!,
    updatedAt: toIso(row.updatedAt)!,
    dependencies: relatives.dependencies,
    blocks: relatives.blocks,
    subtasks: relatives.subtasks,
    question: relatives.question,
    submission: relatives.submission,
    lastEvent: relatives.lastEvent,
  };
}
