import { type SQL, sql } from "drizzle-orm";
import type { Priority, TaskStatus } from "../domain/task-states.ts";
import { inChannels } from "./channel-filter.ts";
import type { Queryable } from "./database.ts";
import { queryRows } from "./raw.ts";

/** A guild, or one channel of it. Every query below filters on an indexed prefix of this. */
export interface StatsScope {
  guildId: string;
  channelId?: string;
  /** The channels the reader may see; null: all of them. */
  channelIds: readonly string[] | null;
}

const scoped = (scope: StatsScope): SQL =>
  scope.channelId
    ? sql`t.guild_id = ${scope.guildId} AND t.channel_id = ${scope.channelId} AND ${inChannels(scope.channelIds)}`
    : sql`t.guild_id = ${scope.guildId} AND ${inChannels(scope.channelIds)}`;

const LIVE = sql.raw(`('open', 'in_progress', 'in_review', 'blocked')`);
const MINUTES = sql.raw(`extract(epoch FROM (t.completed_at - t.started_at)) / 60`);

export async function countByStatusAndPriority(
  q: Queryable,
  scope: StatsScope,
): Promise<{ status: TaskStatus; priority: Priority; n: number }[]> {
  const rows = await queryRows<{ status: TaskStatus; priority: Priority; n: number }>(
    q,
    sql`SELECT t.status, t.priority, count(*)::int AS n FROM tasks t WHERE ${scoped(scope)} GROUP BY t.status, t.priority`,
  );
  return rows.map((row) => ({ ...row, n: Number(row.n) }));
}

/** Done / total per label; cancelled tasks are not counted as work. The 25 biggest labels. */
export async function labelProgress(
  q: Queryable,
  scope: StatsScope,
): Promise<{ label: string; done: number; total: number }[]> {
  const rows = await queryRows<{ label: string; done: number; total: number }>(
    q,
    sql`SELECT label, count(*) FILTER (WHERE t.status = 'done')::int AS done, count(*)::int AS total
      FROM tasks t CROSS JOIN LATERAL unnest(t.labels) AS label
      WHERE ${scoped(scope)} AND t.status <> 'cancelled' AND cardinality(t.labels) > 0
      GROUP BY label ORDER BY total DESC, label LIMIT 25`,
  );
  return rows.map((row) => ({ label: row.label, done: Number(row.done), total: Number(row.total) }));
}

export interface WorkloadRecord {
  userId: string;
  live: number;
  inProgress: number;
  done: number;
  avgCompletionMinutes: number | null;
}

/** Per assignee: live, in progress, done, and the average start-to-done time. The 25 busiest. */
export async function assigneeWorkload(q: Queryable, scope: StatsScope): Promise<WorkloadRecord[]> {
  const rows = await queryRows(
    q,
    sql`SELECT t.assignee_id,
        count(*) FILTER (WHERE t.status IN ${LIVE})::int AS live,
        count(*) FILTER (WHERE t.status = 'in_progress')::int AS in_progress,
        count(*) FILTER (WHERE t.status = 'done')::int AS done,
        avg(${MINUTES}) FILTER (WHERE t.status = 'done' AND t.started_at IS NOT NULL)::float8 AS avg_minutes
      FROM tasks t WHERE ${scoped(scope)} AND t.assignee_id IS NOT NULL
      GROUP BY t.assignee_id ORDER BY live DESC, done DESC, t.assignee_id LIMIT 25`,
  );
  return rows.map((row) => ({
    userId: String(row.assignee_id),
    live: Number(row.live),
    inProgress: Number(row.in_progress),
    done: Number(row.done),
    avgCompletionMinutes: row.avg_minutes === null ? null : Math.round(Number(row.avg_minutes)),
  }));
}

/** Done tasks that had an estimate: estimated vs actual (start to done) minutes. */
export async function estimateAccuracy(
  q: Queryable,
  scope: StatsScope,
): Promise<{ tasks: number; estimatedMinutes: number; actualMinutes: number }> {
  const rows = await queryRows(
    q,
    sql`SELECT count(*)::int AS tasks, coalesce(sum(t.estimate_minutes), 0)::int AS estimated,
        coalesce(sum(${MINUTES}), 0)::float8 AS actual
      FROM tasks t
      WHERE ${scoped(scope)} AND t.status = 'done' AND t.estimate_minutes IS NOT NULL AND t.started_at IS NOT NULL`,
  );
  const row = rows[0] ?? {};
  return {
    tasks: Number(row.tasks ?? 0),
    estimatedMinutes: Number(row.estimated ?? 0),
    actualMinutes: Math.round(Number(row.actual ?? 0)),
  };
}

/** The five longest-waiting open tasks (numbers grow with creation time). */
export async function oldestOpen(
  q: Queryable,
  scope: StatsScope,
): Promise<{ number: number; title: string; status: TaskStatus }[]> {
  const rows = await queryRows<{ number: number; title: string; status: TaskStatus }>(
    q,
    sql`SELECT t.number, t.title, t.status FROM tasks t WHERE ${scoped(scope)} AND t.status = 'open'
      ORDER BY t.number LIMIT 5`,
  );
  return rows.map((row) => ({ ...row, number: Number(row.number) }));
}

/** Live tasks past their due time (tasks_guild_due_idx). */
export async function countOverdue(q: Queryable, scope: StatsScope, now: Date): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    q,
    sql`SELECT count(*)::int AS n FROM tasks t WHERE ${scoped(scope)} AND t.status IN ${LIVE}
      AND t.due_at IS NOT NULL AND t.due_at < ${now.toISOString()}::timestamptz`,
  );
  return Number(rows[0]?.n ?? 0);
}
