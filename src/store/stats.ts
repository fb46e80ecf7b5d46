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

export async function statsPart(q: Queryable, guildId: string, channelId: string): Promise<StatsPart> {
  const scoped = sql`t.guild_id = ${guildId} AND t.channel_id = ${channelId}`;
  const [counts, labels, assignees, estimates, oldest] = await Promise.all([
    queryRows<{ status: TaskStatus; priority: Priority; n: number }>(
      q,
      sql`SELECT t.status, t.priority, count(*)::int AS n FROM tasks t WHERE ${scoped} GROUP BY t.status, t.priority`,
    ),
    queryRows<{ label: string; done: number; total: number }>(
      q,
      sql`SELECT label, count(*) FILTER (WHERE t.status = 'done')::int AS done, count(*)::int AS total
        FROM tasks t CROSS JOIN LATERAL unnest(t.labels) AS label
        WHERE ${scoped} AND t.status <> 'cancelled' AND cardinality(t.labels) > 0
        GROUP BY label`,
    ),
    queryRows(
      q,
      sql`SELECT t.assignee_id,
          count(*) FILTER (WHERE t.status IN ${LIVE})::int AS live,
          count(*) FILTER (WHERE t.status = 'in_progress')::int AS in_progress,
          count(*) FILTER (WHERE t.status = 'done')::int AS done,
          coalesce(sum(${MINUTES}) FILTER (WHERE t.status = 'done' AND t.started_at IS NOT NULL), 0)::float8 AS done_minutes,
          count(*) FILTER (WHERE t.status = 'done' AND t.started_at IS NOT NULL)::int AS timed_done
        FROM tasks t WHERE ${scoped} AND t.assignee_id IS NOT NULL
        GROUP BY t.assignee_id`,
    ),
    queryRows(
      q,
      sql`SELECT count(*)::int AS tasks, coalesce(sum(t.estimate_minutes), 0)::int AS estimated,
          coalesce(sum(${MINUTES}), 0)::float8 AS actual
        FROM tasks t
        WHERE ${scoped} AND t.status = 'done' AND t.estimate_minutes IS NOT NULL AND t.started_at IS NOT NULL`,
    ),
    queryRows<{ number: number; title: string; status: TaskStatus }>(
      q,
      sql`SELECT t.number, t.title, t.status FROM tasks t WHERE ${scoped} AND t.status = 'open'
        ORDER BY t.number LIMIT 5`,
    ),
  ]);
  const estimate = estimates[0] ?? {};
  return {
    counts: counts.map((row) => ({ ...row, n: Number(row.n) })),
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
      tasks: Number(estimate.tasks ?? 0),
      estimatedMinutes: Number(estimate.estimated ?? 0),
      actualMinutes: Number(estimate.actual ?? 0),
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
