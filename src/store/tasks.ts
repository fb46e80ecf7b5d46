import { and, eq, getTableColumns, inArray, type SQL, sql } from "drizzle-orm";
import type { PlacedStatusRef, StatusRef } from "../domain/task-states.ts";
import type { Queryable, Tx } from "./database.ts";
import type { NewEvent } from "./events.ts";
import { newNonce } from "./outbox.ts";
import { columnsAs, prepareStatement, runPreparedOn, StatementShapes } from "./prepared.ts";
import { LIVE_LIST, queryRows } from "./raw.ts";
import {
  type ChannelSettingsRow,
  channelSettings,
  LIVE_STATUSES,
  type NewTaskRow,
  type TaskRow,
  tasks,
} from "./schema.ts";

export type TaskPatch = Partial<
  Omit<NewTaskRow, "id" | "guildId" | "number" | "version" | "createdAt" | "priorityRank">
>;

/** The row of #number in a guild, locked for the rest of the transaction. */
export async function lockTaskByNumber(
  tx: Tx,
  guildId: string,
  number: number,
  mode: "update" | "share" = "update",
): Promise<TaskRow | undefined> {
  const [row] = await tx
    .select()
    .from(tasks)
    .where(and(eq(tasks.guildId, guildId), eq(tasks.number, number)))
    .for(mode);
  return row;
}

export async function lockTaskById(
  tx: Tx,
  id: number,
  mode: "update" | "share" = "update",
): Promise<TaskRow | undefined> {
  const [row] = await tx.select().from(tasks).where(eq(tasks.id, id)).for(mode);
  return row;
}

export async function findTaskByNumber(
  q: Queryable,
  guildId: string,
  number: number,
): Promise<TaskRow | undefined> {
  const [row] = await q
    .select()
    .from(tasks)
    .where(and(eq(tasks.guildId, guildId), eq(tasks.number, number)));
  return row;
}

/** The task and its channel's settings row (absent: the defaults apply), in one query. */
export async function findTaskWithSettings(
  q: Queryable,
  guildId: string,
  number: number,
): Promise<{ task: TaskRow; settings: ChannelSettingsRow | null } | undefined> {
  const [row] = await q
    .select({ task: tasks, settings: channelSettings })
    .from(tasks)
    .leftJoin(channelSettings, eq(channelSettings.channelId, tasks.channelId))
    .where(and(eq(tasks.guildId, guildId), eq(tasks.number, number)));
  return row;
}

/** The number of the task an interaction already created, if any. */
export async function findNumberByCreateKey(q: Queryable, createKey: string): Promise<number | undefined> {
  const [row] = await q.select({ number: tasks.number }).from(tasks).where(eq(tasks.createKey, createKey));
  return row?.number;
}

/**
 * Inserts the task with the guild's next #number in one statement: the counter upsert is a CTE, so the
 * counter row (the one thing creates in a guild take turns on) is locked from this statement to the
 * commit, not for the whole transaction. A rolled-back create gives its number back: no gaps.
 */
export async function insertNumberedTask(tx: Tx, values: Omit<NewTaskRow, "number">): Promise<TaskRow> {
  const next = tx.$with("next_number", { lastNumber: sql<number>`last_number`.as("last_number") }).as(sql`
    INSERT INTO guild_counters (guild_id, last_number) VALUES (${values.guildId}, 1)
    ON CONFLICT (guild_id) DO UPDATE SET last_number = guild_counters.last_number + 1
    RETURNING last_number`);
  const [row] = await tx
    .with(next)
    .insert(tasks)
    .values({ ...values, number: sql`(SELECT last_number FROM next_number)` })
    .returning();
  return row!;
}

/** What a create writes besides the task: its event and outbox rows (the card first, then `messages`). */
export interface CreatedRows {
  event: Omit<NewEvent, "taskId" | "guildId">;
  cardDueAt: Date;
  messages: readonly { kind: "assignment"; assigneeId: string }[];
}

/**
 * A create in one statement, run on its own (autocommit): the guild's next number, the task, its
 * event, its card row and its assignment row. The counter row is held only while Postgres runs the
 * statement and commits it, never across a round trip to the bot. Nothing is written (undefined) when
 * the channel has a queue limit: that create must count its live tasks under the channel's lock. The
 * channel's settings row is share-locked, so a limit being set waits for it.
 */
export async function insertTaskAlone(
  q: Queryable,
  values: Omit<NewTaskRow, "number" | "createdAt" | "updatedAt">,
  rows: CreatedRows,
  now: Date,
): Promise<TaskRow | undefined> {
  const { event, messages } = rows;
  const statement = CREATE_SHAPES.get(String(messages.length), () => createAloneSql(messages.length));
  const createValues: Record<string, unknown> = {
    guildId: values.guildId,
    channelId: values.channelId,
    title: values.title,
    description: values.description ?? "",
    status: values.status ?? "open",
    priority: values.priority ?? "medium",
    labels: values.labels ?? [],
    assigneeId: values.assigneeId ?? null,
    createdBy: values.createdBy,
    parentId: values.parentId ?? null,
    estimateMinutes: values.estimateMinutes ?? null,
    dueAt: values.dueAt ? values.dueAt.toISOString() : null,
    createKey: values.createKey ?? null,
    at: now.toISOString(),
    actorId: event.actorId,
    kind: event.kind,
    fromStatus: event.fromStatus ?? null,
    toStatus: event.toStatus ?? null,
    details: JSON.stringify(event.details ?? {}),
    source: event.source,
    cardNonce: newNonce(),
    cardDueAt: rows.cardDueAt.toISOString(),
  };
  messages.forEach((message, index) => {
    createValues[`assignee${index}`] = message.assigneeId;
    createValues[`nonce${index}`] = newNonce();
  });
  const [row] = await runPreparedOn<TaskRow & Record<string, unknown>, Record<string, unknown>>(
    q,
    statement,
    createValues,
  );
  return row;
}

const CREATE_SHAPES = new StatementShapes<Record<string, unknown>>("tasklane_create_alone");

/** insertTaskAlone's statement for `messageCount` assignment rows. */
function createAloneSql(messageCount: number): SQL {
  const p = (name: string) => sql.placeholder(name);
  const at = sql`${p("at")}::timestamptz`;
  const outboxRows = [
    sql`SELECT guild_id, channel_id, id, 'card', jsonb_build_object('taskId', id, 'version', version),
      'card:' || id, ${p("cardNonce")}::text, ${p("cardDueAt")}::timestamptz, ${at} FROM created`,
    ...Array.from(
      { length: messageCount },
      (_, index) => sql`SELECT guild_id, channel_id, id, 'assignment',
        jsonb_build_object('taskId', id, 'assigneeId', ${p(`assignee${index}`)}::text, 'attempt', 1),
        NULL, ${p(`nonce${index}`)}::text, ${at}, ${at} FROM created`,
    ),
  ];
  return sql`WITH limit_set AS (
    SELECT 1 AS one FROM channel_settings
    WHERE channel_id = ${p("channelId")}::text AND queue_limit IS NOT NULL FOR SHARE
  ), next_number AS (
    INSERT INTO guild_counters (guild_id, last_number)
    SELECT ${p("guildId")}::text, 1 WHERE NOT EXISTS (SELECT 1 FROM limit_set)
    ON CONFLICT (guild_id) DO UPDATE SET last_number = guild_counters.last_number + 1
    RETURNING last_number
  ), created AS (
    INSERT INTO tasks (guild_id, channel_id, number, title, description, status, priority, labels, assignee_id,
      created_by, parent_id, estimate_minutes, due_at, create_key, created_at, updated_at)
    SELECT ${p("guildId")}::text, ${p("channelId")}::text, last_number, ${p("title")}::text,
      ${p("description")}::text, ${p("status")}::text, ${p("priority")}::text, ${p("labels")}::text[],
      ${p("assigneeId")}::text, ${p("createdBy")}::text, ${p("parentId")}::int, ${p("estimateMinutes")}::int,
      ${p("dueAt")}::timestamptz, ${p("createKey")}::text, ${at}, ${at}
    FROM next_number
    RETURNING *
  ), created_event AS (
    INSERT INTO task_events (task_id, guild_id, actor_id, kind, from_status, to_status, details, source, created_at)
    SELECT id, guild_id, ${p("actorId")}::text, ${p("kind")}::text, ${p("fromStatus")}::text, ${p("toStatus")}::text,
      ${p("details")}::jsonb, ${p("source")}::text, ${at}
    FROM created RETURNING id
  ), created_outbox AS (
    INSERT INTO outbox (guild_id, channel_id, task_id, kind, payload, coalesce_key, nonce, next_attempt_at, created_at)
    ${sql.join(outboxRows, sql` UNION ALL `)} RETURNING id
  )
  SELECT ${columnsAs(tasks, "created")} FROM created`;
}

export async function insertTask(tx: Tx, values: NewTaskRow): Promise<TaskRow> {
  const [row] = await tx.insert(tasks).values(values).returning();
  return row!;
}

/** Compare-and-set on `version`: undefined when someone else changed the row first. */
export async function updateTask(
  tx: Tx,
  task: Pick<TaskRow, "id" | "version">,
  patch: TaskPatch,
  now: Date,
): Promise<TaskRow | undefined> {
  const keys = Object.keys(patch).filter(
    (key) =>
      key in TASK_COLUMNS &&
      key !== "version" &&
      key !== "updatedAt" &&
      patch[key as keyof TaskPatch] !== undefined,
  );
  const statement = UPDATE_SHAPES.get(keys.join(","), () => updateSql(keys));
  const values: Record<string, unknown> = { id: task.id, version: task.version, now: now.toISOString() };
  for (const key of keys) {
    const value = patch[key as keyof TaskPatch];
    values[key] =
      value === null ? null : TASK_COLUMNS[key as keyof typeof TASK_COLUMNS].mapToDriverValue(value);
  }
  const [row] = await runPreparedOn<TaskRow & Record<string, unknown>, Record<string, unknown>>(
    tx,
    statement,
    values,
  );
  return row;
}

const TASK_COLUMNS = getTableColumns(tasks);
const UPDATE_SHAPES = new StatementShapes<Record<string, unknown>>("tasklane_update_task");

/** updateTask's statement for a patch of these columns (each value encoded as drizzle encodes it). */
function updateSql(keys: readonly string[]): SQL {
  const p = (name: string) => sql.placeholder(name);
  const set = keys.map((key) => {
    const column = TASK_COLUMNS[key as keyof typeof TASK_COLUMNS];
    return sql`${sql.raw(column.name)} = ${p(key)}::${sql.raw(column.getSQLType())}`;
  });
  return sql`UPDATE tasks SET ${sql.join(set, sql`, `)}${keys.length > 0 ? sql`, ` : sql``}
      version = ${p("version")}::int + 1, updated_at = ${p("now")}::timestamptz
    WHERE id = ${p("id")}::int AND version = ${p("version")}::int
    RETURNING ${columnsAs(tasks, "tasks")}`;
}

const COUNT_LIVE = prepareStatement<{ channelId: string }>(
  "tasklane_count_live_tasks",
  sql`SELECT count(*)::int AS live FROM tasks
  WHERE channel_id = ${sql.placeholder("channelId")}::text
    AND status IN ${LIVE_LIST}`,
);

export async function countLiveTasks(q: Queryable, channelId: string): Promise<number> {
  const [row] = await runPreparedOn<{ live: number }, { channelId: string }>(q, COUNT_LIVE, { channelId });
  return row?.live ?? 0;
}

export async function liveSubtasks(q: Queryable, parentId: number): Promise<PlacedStatusRef[]> {
  return q
    .select({ number: tasks.number, status: tasks.status, channelId: tasks.channelId })
    .from(tasks)
    .where(and(eq(tasks.parentId, parentId), inArray(tasks.status, [...LIVE_STATUSES])))
    .orderBy(tasks.number);
}

export async function findTaskRef(q: Queryable, id: number): Promise<StatusRef | undefined> {
  const [row] = await q
    .select({ number: tasks.number, status: tasks.status })
    .from(tasks)
    .where(eq(tasks.id, id));
  return row;
}

/** Numbers of the tasks whose views show this one: its parent, its subtasks, the tasks depending on it. */
export async function relativeNumbers(
  q: Queryable,
  task: Pick<TaskRow, "id" | "parentId">,
): Promise<number[]> {
  const rows = await queryRows<{ number: number }>(
    q,
    sql`
    SELECT number FROM tasks WHERE id = ${task.parentId ?? -1}
    UNION SELECT number FROM tasks WHERE parent_id = ${task.id}
    UNION SELECT t.number FROM task_dependencies d JOIN tasks t ON t.id = d.task_id WHERE d.depends_on_id = ${task.id}`,
  );
  return rows.map((row) => Number(row.number));
}
