import { type SQL, sql } from "drizzle-orm";
import { LIVE_STATUSES, type Priority, type TaskStatus } from "../domain/task-states.ts";
import type { TaskView } from "../domain/task-view.ts";
import { inChannels } from "./channel-filter.ts";
import type { Queryable } from "./database.ts";
import { queryRows } from "./raw.ts";
import { selectTaskViews } from "./task-views.ts";

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

const LIVE = sql.raw(`(${LIVE_STATUSES.map((status) => `'${status}'`).join(", ")})`);

/**
 * Each filter maps onto an index: (guild|channel, status, number), (guild, assignee, status), the due
 * indexes, task_labels (guild, label, number). The number-ordered label list walks task_labels itself
 * (labelPage); elsewhere a label is one task_labels probe per candidate row.
 */
function listWhere(query: ListQuery): SQL {
  const conditions = [sql`t.guild_id = ${query.guildId}`, inChannels(query.channelIds)];
  if (query.channelId) conditions.push(sql`t.channel_id = ${query.channelId}`);
  if (query.status === "live") conditions.push(sql`t.status IN ${LIVE}`);
  else if (query.status !== "all") conditions.push(sql`t.status = ${query.status}`);
  if (query.assigneeId) conditions.push(sql`t.assignee_id = ${query.assigneeId}`);
  if (query.priority) conditions.push(sql`t.priority = ${query.priority}`);
  if (query.label)
    conditions.push(
      sql`EXISTS (SELECT 1 FROM task_labels l WHERE l.guild_id = t.guild_id AND l.label = ${query.label} AND l.number = t.number)`,
    );
  if (query.dueFrom || query.dueBefore) conditions.push(sql`t.status IN ${LIVE}`);
  if (query.dueFrom) conditions.push(sql`t.due_at >= ${query.dueFrom.toISOString()}::timestamptz`);
  if (query.dueBefore) conditions.push(sql`t.due_at < ${query.dueBefore.toISOString()}::timestamptz`);
  return sql.join(conditions, sql` AND `);
}

/**
 * A label's tasks in number order, from task_labels (migration 0013: kept in step by triggers on tasks,
 * with each task's status and channel). `position` is a condition on l.number. Filters task_labels
 * cannot answer (assignee, priority, due) join the task; the inner `t` is that task.
 */
function labelMatches(query: ListQuery & { label: string }, position: SQL): SQL {
  const conditions = [
    sql`l.guild_id = ${query.guildId}`,
    sql`l.label = ${query.label}`,
    inChannels(query.channelIds, "l"),
  ];
  if (query.channelId) conditions.push(sql`l.channel_id = ${query.channelId}`);
  if (query.status === "live") conditions.push(sql`l.status IN ${LIVE}`);
  else if (query.status !== "all") conditions.push(sql`l.status = ${query.status}`);
  const where = sql`${sql.join(conditions, sql` AND `)}${position}`;
  const needsTask = query.assigneeId || query.priority || query.dueFrom || query.dueBefore;
  if (!needsTask) return sql`FROM task_labels l WHERE ${where}`;
  return sql`FROM task_labels l JOIN tasks t ON t.id = l.task_id
    WHERE ${where} AND ${listWhere({ ...query, label: undefined })}`;
}

const hasLabel = (query: ListQuery): query is ListQuery & { label: string } => Boolean(query.label);

/** Counts at most `upTo` matches: the index scan stops there instead of visiting every row. */
export async function countTasks(q: Queryable, query: ListQuery, upTo: number): Promise<number> {
  const matches = hasLabel(query)
    ? sql`SELECT 1 ${labelMatches(query, sql``)}`
    : sql`SELECT 1 FROM tasks t WHERE ${listWhere(query)}`;
  const rows = await queryRows<{ n: number }>(
    q,
    sql`SELECT count(*)::int AS n FROM (${matches} LIMIT ${upTo}) capped`,
  );
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
  const where = listWhere(query);
  if (position && "before" in position) {
    const rows = await selectTaskViews(q, sql`${where} AND t.number > ${position.before}`, {
      order: sql`t.number ASC`,
      limit: limit + 1,
    });
    return { items: rows.slice(0, limit).reverse(), more: rows.length > limit };
  }
  const after = position ? sql` AND t.number < ${position.after}` : sql``;
  const rows = await selectTaskViews(q, sql`${where}${after}`, {
    order: sql`t.number DESC`,
    limit: limit + 1,
  });
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
  const at =
    position === null
      ? sql``
      : "before" in position
        ? sql` AND l.number > ${position.before}`
        : sql` AND l.number < ${position.after}`;
  const direction = sql.raw(backwards ? "ASC" : "DESC");
  const ids = sql`SELECT l.task_id ${labelMatches(query, at)} ORDER BY l.number ${direction} LIMIT ${limit + 1}`;
  const rows = await selectTaskViews(q, sql`t.id IN (${ids})`, {
    order: sql`t.number ${direction}`,
    limit: limit + 1,
  });
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
  const where = sql`${listWhere(query)} AND t.due_at IS NOT NULL`;
  if (position && "beforeDue" in position) {
    const rows = await selectTaskViews(
      q,
      sql`${where} AND (t.due_at, t.number) < (${position.beforeDue}::timestamptz, ${position.before})`,
      { order: sql`t.due_at DESC, t.number DESC`, limit: limit + 1 },
    );
    return { items: rows.slice(0, limit).reverse(), more: rows.length > limit };
  }
  const after = position
    ? sql` AND (t.due_at, t.number) > (${position.afterDue}::timestamptz, ${position.after})`
    : sql``;
  const rows = await selectTaskViews(q, sql`${where}${after}`, {
    order: sql`t.due_at ASC, t.number ASC`,
    limit: limit + 1,
  });
  return { items: rows.slice(0, limit), more: rows.length > limit };
}

/** Sorting by due date counts what it lists: the tasks with one. */
export async function countTasksWithDue(q: Queryable, query: ListQuery, upTo: number): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    q,
    sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM tasks t WHERE ${listWhere(query)} AND t.due_at IS NOT NULL LIMIT ${upTo}) capped`,
  );
  return Number(rows[0]?.n ?? 0);
}
