import { and, asc, eq, getTableColumns, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { TaskView } from "../domain/task-view.ts";
import type { Queryable, Tx } from "./database.ts";
import { eligibleOpenTask } from "./eligibility.ts";
import { queryRows, toIso } from "./raw.ts";
import { type TaskRow, tasks } from "./schema.ts";
import { selectTaskViews } from "./task-views.ts";

export interface EligibleQuery {
  guildId: string;
  channelId: string;
  userId: string;
  /** A registered agent's labels: the task's labels must all be among them. Empty = any task. */
  agentLabels: string[];
  /** The caller's own filter: the task carries at least one of these. Empty = any. */
  wantLabels: string[];
  now: Date;
}

/**
 * The first eligible open task of the channel's queue (priority, then age), claimed in one statement:
 * it becomes in progress for `query.userId` (version moved on, started now unless it was before,
 * backoff cleared, the lease given), returned with the assignee it had (a claim, or a re-start of
 * one's own). `skip`: SKIP LOCKED, concurrent callers each get a different task, or none, at once.
 * `wait`: waits for each locked candidate in turn and takes the first that is still eligible once
 * its holder is done, so a task that is ready is never missed because someone held it a moment.
 *
 * NO KEY UPDATE, not UPDATE: every audit, outbox and card row written for a task takes a KEY SHARE
 * lock on it (the foreign key check), and FOR UPDATE would count those tasks as locked.
 */
export async function claimNextEligible(
  tx: Tx,
  query: EligibleQuery,
  mode: "skip" | "wait",
  leaseExpiresAt: Date | null,
): Promise<{ task: TaskRow; previousAssigneeId: string | null } | undefined> {
  const c = alias(tasks, "c");
  const candidate = tx
    .select({ id: c.id, previousAssigneeId: c.assigneeId })
    .from(c)
    .where(
      and(
        eq(c.channelId, query.channelId),
        eq(c.guildId, query.guildId),
        eligibleOpenTask('"c"', sql`${query.now.toISOString()}::timestamptz`),
        sql`(${c.assigneeId} IS NULL OR ${c.assigneeId} = ${query.userId})`,
        query.agentLabels.length > 0
          ? sql`${c.labels} <@ ${sql.param(query.agentLabels)}::text[]`
          : undefined,
        query.wantLabels.length > 0 ? sql`${c.labels} && ${sql.param(query.wantLabels)}::text[]` : undefined,
      ),
    )
    .orderBy(asc(c.priorityRank), asc(c.createdAt), asc(c.id))
    .limit(1)
    .for("no key update", mode === "skip" ? { skipLocked: true } : {})
    .as("candidate");
  const [row] = await tx
    .update(tasks)
    .set({
      status: "in_progress",
      assigneeId: query.userId,
      startedAt: sql`coalesce(${tasks.startedAt}, ${query.now.toISOString()}::timestamptz)`,
      nextAttemptAt: null,
      leaseExpiresAt,
      version: sql`${tasks.version} + 1`,
      updatedAt: query.now,
    })
    .from(candidate)
    .where(eq(tasks.id, candidate.id))
    .returning({ ...getTableColumns(tasks), previousAssigneeId: candidate.previousAssigneeId });
  if (!row) return undefined;
  const { previousAssigneeId, ...task } = row;
  return { task, previousAssigneeId };
}

export interface QueuePosition {
  rank: number;
  createdAt: string;
  id: number;
}

/** The channel's open tasks in queue order (index tasks_queue_idx), after `position` when given. */
export async function pageQueue(
  q: Queryable,
  guildId: string,
  channelId: string,
  position: QueuePosition | null,
  limit: number,
): Promise<{ items: TaskView[]; last: QueuePosition | null; more: boolean }> {
  const after = position
    ? sql` AND (t.priority_rank, t.created_at, t.id) > (${position.rank}, ${position.createdAt}::timestamptz, ${position.id})`
    : sql``;
  const rows = await queryRows<{ id: number; priority_rank: number; created_at: string }>(
    q,
    sql`SELECT t.id, t.priority_rank, t.created_at FROM tasks t
      WHERE t.channel_id = ${channelId} AND t.guild_id = ${guildId} AND t.status = 'open'${after}
      ORDER BY t.priority_rank, t.created_at, t.id LIMIT ${limit + 1}`,
  );
  const page = rows.slice(0, limit);
  const views = await selectTaskViews(
    q,
    sql`t.id = ANY(${sql.param(page.map((row) => Number(row.id)))}::int[])`,
  );
  const byId = new Map(views.map((view) => [view.id, view]));
  const lastRow = page.at(-1);
  return {
    items: page.map((row) => byId.get(Number(row.id))!),
    last: lastRow
      ? { rank: Number(lastRow.priority_rank), createdAt: toIso(lastRow.created_at)!, id: Number(lastRow.id) }
      : null,
    more: rows.length > limit,
  };
}
