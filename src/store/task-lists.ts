import { type SQL, sql } from "drizzle-orm";
import type { Priority, TaskStatus } from "../domain/task-states.ts";
import type { TaskView } from "../domain/task-view.ts";
import type { Queryable } from "./database.ts";
import { runPreparedOn, StatementShapes } from "./prepared.ts";
import { LIVE_LIST } from "./raw.ts";
import { selectPreparedTaskViews, taskViewsSql } from "./task-views.ts";

export interface ListQuery {
  guildId: string;
  status: TaskStatus | "live" | "all";
  assigneeId?: string;
  priority?: Priority;
  label?: string;
  channelId?: string;
  /** The channels the reader may see; null: all of them. */
  channelIds: readonly string[] | null;
  /** Due in [dueFrom, dueBefore): live tasks with a due date only (tasks_guild_due_idx). */
  dueFrom?: Date;
  dueBefore?: Date;
}

/** Keyset position: `after` = older than this number (next page), `before` = newer (previous page). */
export type ListPosition = { after: number } | { before: number } | null;

/** Every value a list statement may take; each shape uses some of them. */
interface ListValues extends Record<string, unknown> {
  guildId: string;
  channelIds: string[] | null;
  channelId: string | null;
  status: string;
  assigneeId: string | null;
  priority: string | null;
  label: string | null;
  dueFrom: string | null;
  dueBefore: string | null;
  /** The keyset position's number, and its due date (due order). */
  at: number | null;
  atDue: string | null;
  /** LIMIT: the page's limit + 1, or the count's cap. */
  limit: number;
}

const p = (name: keyof ListValues & string) => sql.placeholder(name);

function listValues(query: ListQuery, limit: number, at: number | null = null, atDue: string | null = null) {
  return {
    guildId: query.guildId,
    channelIds: query.channelIds === null ? null : [...query.channelIds],
    channelId: query.channelId ?? null,
    status: query.status,
    assigneeId: query.assigneeId ?? null,
    priority: query.priority ?? null,
    label: query.label ?? null,
    dueFrom: query.dueFrom?.toISOString() ?? null,
    dueBefore: query.dueBefore?.toISOString() ?? null,
    at,
    atDue,
    limit,
  } satisfies ListValues;
}

/** Which filters a query has: the statements' text depends on nothing else (the values are parameters). */
function shapeOf(query: ListQuery): string {
  const channels = query.channelIds === null ? "all" : query.channelIds.length === 0 ? "none" : "some";
  const status = query.status === "live" || query.status === "all" ? query.status : "one";
  const has = (value: unknown) => (value ? "1" : "0");
  return [
    channels,
    status,
    has(query.channelId),
    has(query.assigneeId),
    has(query.priority),
    has(query.label),
    has(query.dueFrom),
    has(query.dueBefore),
  ].join("");
}

function inChannelsOf(query: ListQuery, alias: string): SQL {
  if (query.channelIds === null) return sql`true`;
  if (query.channelIds.length === 0) return sql`false`;
  return sql`${sql.raw(alias)}.channel_id = ANY(${p("channelIds")}::text[])`;
}

/**
 * Each filter maps onto an index: (guild|channel, status, number), (guild, assignee, status), the due
 * indexes, task_labels (guild, label, number). The number-ordered label list walks task_labels itself
 * (labelPage); elsewhere a label is one task_labels probe per candidate row.
 */
function listWhere(query: ListQuery): SQL {
  const conditions = [sql`t.guild_id = ${p("guildId")}::text`, inChannelsOf(query, "t")];
  if (query.channelId) conditions.push(sql`t.channel_id = ${p("channelId")}::text`);
  if (query.status === "live") conditions.push(sql`t.status IN ${LIVE_LIST}`);
  else if (query.status !== "all") conditions.push(sql`t.status = ${p("status")}::text`);
  if (query.assigneeId) conditions.push(sql`t.assignee_id = ${p("assigneeId")}::text`);
  if (query.priority) conditions.push(sql`t.priority = ${p("priority")}::text`);
  if (query.label)
    conditions.push(
      sql`EXISTS (SELECT 1 FROM task_labels l WHERE l.guild_id = t.guild_id AND l.label = ${p("label")}::text AND l.number = t.number)`,
    );
  if (query.dueFrom || query.dueBefore) conditions.push(sql`t.status IN ${LIVE_LIST}`);
  if (query.dueFrom) conditions.push(sql`t.due_at >= ${p("dueFrom")}::timestamptz`);
  if (query.dueBefore) conditions.push(sql`t.due_at < ${p("dueBefore")}::timestamptz`);
  return sql.join(conditions, sql` AND `);
}

/**
 * A label's tasks in number order, from task_labels (migration 0013: kept in step by triggers on tasks,
 * with each task's status and channel). `position` is a condition on l.number. Filters task_labels
 * cannot answer (assignee, priority, due) join the task; the inner `t` is that task.
 */
function labelMatches(query: ListQuery & { label: string }, position: SQL): SQL {
  const conditions = [
    sql`l.guild_id = ${p("guildId")}::text`,
    sql`l.label = ${p("label")}::text`,
    inChannelsOf(query, "l"),
  ];
  if (query.channelId) conditions.push(sql`l.channel_id = ${p("channelId")}::text`);
  if (query.status === "live") conditions.push(sql`l.status IN ${LIVE_LIST}`);
  else if (query.status !== "all") conditions.push(sql`l.status = ${p("status")}::text`);
  const where = sql`${sql.join(conditions, sql` AND `)}${position}`;
  const needsTask = query.assigneeId || query.priority || query.dueFrom || query.dueBefore;
  if (!needsTask) return sql`FROM task_labels l WHERE ${where}`;
  return sql`FROM task_labels l JOIN tasks t ON t.id = l.task_id
    WHERE ${where} AND ${listWhere({ ...query, label: undefined })}`;
}

const hasLabel = (query: ListQuery): query is ListQuery & { label: string } => Boolean(query.label);

const COUNTS = new StatementShapes<ListValues>("tasklane_count_tasks", { planEachCall: true });
const PAGES = new StatementShapes<ListValues>("tasklane_page_tasks", { planEachCall: true });
const LIMIT = sql`${p("limit")}::int`;

/** Counts at most `upTo` matches: the index scan stops there instead of visiting every row. */
export async function countTasks(q: Queryable, query: ListQuery, upTo: number): Promise<number> {
  const statement = COUNTS.get(shapeOf(query), () => {
    const matches = hasLabel(query)
      ? sql`SELECT 1 ${labelMatches(query, sql``)}`
      : sql`SELECT 1 FROM tasks t WHERE ${listWhere(query)}`;
    return sql`SELECT count(*)::int AS n FROM (${matches} LIMIT ${LIMIT}) capped`;
  });
  const rows = await runPreparedOn<{ n: number }, ListValues>(q, statement, listValues(query, upTo));
  return Number(rows[0]?.n ?? 0);
}

/** Newest first. Fetches limit + 1 to know whether another page exists in the direction travelled. */
export async function pageTasks(
  q: Queryable,
  query: ListQuery,
  position: ListPosition,
  limit: number,
): Promise<{ items: TaskView[]; more: boolean }> {
  if (hasLabel(query)) return labelPage(q, query, position, limit);
  const at = sql`${p("at")}::int`;
  if (position && "before" in position) {
    const statement = PAGES.get(`${shapeOf(query)}:before`, () =>
      taskViewsSql(sql`${listWhere(query)} AND t.number > ${at}`, sql`t.number ASC`, LIMIT),
    );
    const rows = await selectPreparedTaskViews(q, statement, listValues(query, limit + 1, position.before));
    return { items: rows.slice(0, limit).reverse(), more: rows.length > limit };
  }
  const statement = PAGES.get(`${shapeOf(query)}:${position ? "after" : "first"}`, () =>
    taskViewsSql(
      sql`${listWhere(query)}${position ? sql` AND t.number < ${at}` : sql``}`,
      sql`t.number DESC`,
      LIMIT,
    ),
  );
  const rows = await selectPreparedTaskViews(q, statement, listValues(query, limit + 1, position?.after));
  return { items: rows.slice(0, limit), more: rows.length > limit };
}

/** pageTasks for a label: the page's task ids walk task_labels in number order, then their views are read. */
async function labelPage(
  q: Queryable,
  query: ListQuery & { label: string },
  position: ListPosition,
  limit: number,
): Promise<{ items: TaskView[]; more: boolean }> {
  const backwards = position !== null && "before" in position;
  const side = position === null ? "first" : backwards ? "before" : "after";
  const statement = PAGES.get(`${shapeOf(query)}:label-${side}`, () => {
    const at =
      position === null
        ? sql``
        : backwards
          ? sql` AND l.number > ${p("at")}::int`
          : sql` AND l.number < ${p("at")}::int`;
    const direction = sql.raw(backwards ? "ASC" : "DESC");
    const ids = sql`SELECT l.task_id ${labelMatches(query, at)} ORDER BY l.number ${direction} LIMIT ${LIMIT}`;
    return taskViewsSql(sql`t.id IN (${ids})`, sql`t.number ${direction}`, LIMIT);
  });
  const number = position === null ? null : "before" in position ? position.before : position.after;
  const rows = await selectPreparedTaskViews(q, statement, listValues(query, limit + 1, number));
  if (backwards) return { items: rows.slice(0, limit).reverse(), more: rows.length > limit };
  return { items: rows.slice(0, limit), more: rows.length > limit };
}

/** Keyset position in due order: after/before this (due, number). */
export type DuePosition = { afterDue: string; after: number } | { beforeDue: string; before: number } | null;

/** Soonest due first, then by number; only tasks with a due date. Fetches limit + 1, like pageTasks. */
export async function pageTasksByDue(
  q: Queryable,
  query: ListQuery,
  position: DuePosition,
  limit: number,
): Promise<{ items: TaskView[]; more: boolean }> {
  const where = () => sql`${listWhere(query)} AND t.due_at IS NOT NULL`;
  const at = sql`(${p("atDue")}::timestamptz, ${p("at")}::int)`;
  if (position && "beforeDue" in position) {
    const statement = PAGES.get(`${shapeOf(query)}:due-before`, () =>
      taskViewsSql(
        sql`${where()} AND (t.due_at, t.number) < ${at}`,
        sql`t.due_at DESC, t.number DESC`,
        LIMIT,
      ),
    );
    const values = listValues(query, limit + 1, position.before, position.beforeDue);
    const rows = await selectPreparedTaskViews(q, statement, values);
    return { items: rows.slice(0, limit).reverse(), more: rows.length > limit };
  }
  const statement = PAGES.get(`${shapeOf(query)}:due-${position ? "after" : "first"}`, () =>
    taskViewsSql(
      sql`${where()}${position ? sql` AND (t.due_at, t.number) > ${at}` : sql``}`,
      sql`t.due_at ASC, t.number ASC`,
      LIMIT,
    ),
  );
  const values = listValues(query, limit + 1, position?.after ?? null, position?.afterDue ?? null);
  const rows = await selectPreparedTaskViews(q, statement, values);
  return { items: rows.slice(0, limit), more: rows.length > limit };
}

/** Sorting by due date counts what it lists: the tasks with one. */
export async function countTasksWithDue(q: Queryable, query: ListQuery, upTo: number): Promise<number> {
  const statement = COUNTS.get(
    `${shapeOf(query)}:due`,
    () =>
      sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM tasks t WHERE ${listWhere(query)} AND t.due_at IS NOT NULL LIMIT ${LIMIT}) capped`,
  );
  const rows = await runPreparedOn<{ n: number }, ListValues>(q, statement, listValues(query, upTo));
  return Number(rows[0]?.n ?? 0);
}
