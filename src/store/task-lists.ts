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

/** Each filter maps onto an index: (guild|channel, status, number), (guild, assignee, status), GIN guild labels. */
function listWhere(query: ListQuery): SQL {
  const conditions = [sql`t.guild_id = ${query.guildId}`, inChannels(query.channelIds)];
  if (query.channelId) conditions.push(sql`t.channel_id = ${query.channelId}`);
  if (query.status === "live") conditions.push(sql`t.status IN ${LIVE}`);
  else if (query.status !== "all") conditions.push(sql`t.status = ${query.status}`);
  if (query.assigneeId) conditions.push(sql`t.assignee_id = ${query.assigneeId}`);
  if (query.priority) conditions.push(sql`t.priority = ${query.priority}`);
  // The guild and the label in one GIN key (migration 0011): a label shared by many servers is not
  // read for all of them.
  if (query.label)
    conditions.push(
      sql`tasklane_guild_labels(t.guild_id, t.labels) @> ARRAY[${`${query.guildId}:${query.label}`}]::text[]`,
    );
  if (query.dueFrom || query.dueBefore) conditions.push(sql`t.status IN ${LIVE}`);
  if (query.dueFrom) conditions.push(sql`t.due_at >= ${query.dueFrom.toISOString()}::timestamptz`);
  if (query.dueBefore) conditions.push(sql`t.due_at < ${query.dueBefore.toISOString()}::timestamptz`);
  return sql.join(conditions, sql` AND `);
}

/** Counts at most `upTo` matches: the index scan stops there instead of visiting every row. */
export async function countTasks(q: Queryable, query: ListQuery, upTo: number): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    q,
    sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM tasks t WHERE ${listWhere(query)} LIMIT ${upTo}) capped`,
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
