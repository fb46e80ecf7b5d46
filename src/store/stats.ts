import { sql } from "drizzle-orm";
import type { Priority, TaskStatus } from "../domain/task-states.ts";
import { inChannels } from "./channel-filter.ts";
import type { Queryable } from "./database.ts";
import { queryRows } from "./raw.ts";

/**
 * One channel's figures, in full (every label, every assignee, sums rather than averages), so the
 * figures of any set of channels are a merge of theirs: a server's stats after a change recompute
 * only the changed channel's part. Each query filters on (guild_id, channel_id), the prefix of
 * tasks_stats_idx (a covering index: index-only scans).
 */
export interface StatsPart {
  counts: { status: TaskStatus; priority: Priority; n: number }[];
  /** Done / total per label; cancelled tasks are not counted as work. */
  labels: { label: string; done: number; total: number }[];
  assignees: {
    userId: string;
    live: number;
    inProgress: number;
    done: number;
    /** Start-to-done minutes over the done tasks that were started, and how many those are. */
    doneMinutes: number;
    timedDone: number;
  }[];
  /** Done tasks that had an estimate: estimated vs actual (start to done) minutes. */
  estimates: { tasks: number; estimatedMinutes: number; actualMinutes: number };
  /** The five longest-waiting open tasks (numbers grow with creation time). */
  oldestOpen: { number: number; title: string; status: TaskStatus }[];
}

const LIVE = sql.raw(`('open', 'in_progress', 'in_review', 'blocked')`);
const MINUTES = sql.raw(`extract(epoch FROM (t.completed_at - t.started_at)) / 60`);

interface FigureRow extends Record<string, unknown> {
  /** 0: a (status, priority) group; 1: an assignee group. */
  by_assignee: number;
  status: TaskStatus | null;
  priority: Priority | null;
  assignee_id: string | null;
  n: number;
  live: number;
  in_progress: number;
  done: number;
  done_minutes: number;
  timed_done: number;
  estimated_tasks: number;
  estimated: number;
  actual: number;
}

export async function statsPart(q: Queryable, guildId: string, channelId: string): Promise<StatsPart> {
  const scoped = sql`t.guild_id = ${guildId} AND t.channel_id = ${channelId}`;
  const timedDone = sql`t.status = 'done' AND t.started_at IS NOT NULL`;
  const estimatedDone = sql`${timedDone} AND t.estimate_minutes IS NOT NULL`;
  // Counts, workload and estimates in one pass over the channel's index entries (two grouping sets).
  const [figures, labels, oldest] = await Promise.all([
    queryRows<FigureRow>(
      q,
      sql`SELECT grouping(t.status)::int AS by_assignee, t.status, t.priority, t.assignee_id,
          count(*)::int AS n,
          count(*) FILTER (WHERE t.status IN ${LIVE})::int AS live,
          count(*) FILTER (WHERE t.status = 'in_progress')::int AS in_progress,
          count(*) FILTER (WHERE t.status = 'done')::int AS done,
          coalesce(sum(${MINUTES}) FILTER (WHERE ${timedDone}), 0)::float8 AS done_minutes,
          count(*) FILTER (WHERE ${timedDone})::int AS timed_done,
          count(*) FILTER (WHERE ${estimatedDone})::int AS estimated_tasks,
          coalesce(sum(t.estimate_minutes) FILTER (WHERE ${estimatedDone}), 0)::int AS estimated,
          coalesce(sum(${MINUTES}) FILTER (WHERE ${estimatedDone}), 0)::float8 AS actual
        FROM tasks t WHERE ${scoped}
        GROUP BY GROUPING SETS ((t.status, t.priority), (t.assignee_id))`,
    ),
    queryRows<{ label: string; done: number; total: number }>(
      q,
      sql`SELECT label, count(*) FILTER (WHERE t.status = 'done')::int AS done, count(*)::int AS total
        FROM tasks t CROSS JOIN LATERAL unnest(t.labels) AS label
        WHERE ${scoped} AND t.status <> 'cancelled' AND cardinality(t.labels) > 0
        GROUP BY label`,
    ),
    queryRows<{ number: number; title: string; status: TaskStatus }>(
      q,
      sql`SELECT t.number, t.title, t.status FROM tasks t WHERE ${scoped} AND t.status = 'open'
        ORDER BY t.number LIMIT 5`,
    ),
  ]);
  const counts = figures.filter((row) => Number(row.by_assignee) === 0);
  const assignees = figures.filter((row) => Number(row.by_assignee) === 1 && row.assignee_id !== null);
  const sum = (rows: FigureRow[], field: keyof FigureRow) =>
    rows.reduce((total, row) => total + Number(row[field]), 0);
  return {
    counts: counts.map((row) => ({
      status: row.status as TaskStatus,
      priority: row.priority as Priority,
      n: Number(row.n),
    })),
    labels: labels.map((row) => ({ label: row.label, done: Number(row.done), total: Number(row.total) })),
    assignees: assignees.map((row) => ({
      userId: String(row.assignee_id),
      live: Number(row.live),
      inProgress: Number(row.in_progress),
      done: Number(row.done),
      doneMinutes: Number(row.done_minutes),
      timedDone: Number(row.timed_done),
    })),
    estimates: {
      tasks: sum(counts, "estimated_tasks"),
      estimatedMinutes: sum(counts, "estimated"),
      actualMinutes: sum(counts, "actual"),
    },
    oldestOpen: oldest.map((row) => ({ ...row, number: Number(row.number) })),
  };
}

/**
 * The channels of a guild that have tasks, in one skip scan of (guild_id, channel_id): one index
 * probe per channel, not one per task.
 */
export async function channelsWithTasks(q: Queryable, guildId: string): Promise<string[]> {
  const rows = await queryRows<{ id: string | null }>(
    q,
    sql`WITH RECURSIVE c AS (
        SELECT min(channel_id) AS id FROM tasks WHERE guild_id = ${guildId}
        UNION ALL
        SELECT (SELECT min(channel_id) FROM tasks WHERE guild_id = ${guildId} AND channel_id > c.id)
        FROM c WHERE c.id IS NOT NULL)
      SELECT id FROM c WHERE id IS NOT NULL`,
  );
  return rows.map((row) => String(row.id));
}

/** Live tasks past their due time in these channels (null: all of the guild's), by tasks_guild_due_idx. */
export async function countOverdue(
  q: Queryable,
  guildId: string,
  channelIds: readonly string[] | null,
  now: Date,
): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    q,
    sql`SELECT count(*)::int AS n FROM tasks t WHERE t.guild_id = ${guildId} AND ${inChannels(channelIds)}
      AND t.status IN ${LIVE} AND t.due_at IS NOT NULL AND t.due_at < ${now.toISOString()}::timestamptz`,
  );
  return Number(rows[0]?.n ?? 0);
}
