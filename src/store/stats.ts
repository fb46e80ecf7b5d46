import { type SQL, sql } from "drizzle-orm";
import type { Priority, TaskStatus } from "../domain/task-states.ts";
import { inChannels } from "./channel-filter.ts";
import type { Queryable } from "./database.ts";
import { queryRows } from "./raw.ts";

/**
 * One channel's figures, in full (every label, every assignee, sums rather than averages), so the
 * figures of any set of channels are a merge of theirs: a server's stats after a change recompute
 * only the changed channel's part, and that part is a merge of its blocks' (STATS_BLOCK), of which
 * only the changed task's is read again. Each query reads a range of (guild_id, channel_id, number)
 * of tasks_stats_number_idx (a covering index: index-only scans).
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
/**
 * Start-to-done minutes of a group's tasks matching `filter`: the intervals summed, then converted once
 * (extract() per row is numeric arithmetic, about half of the figures' time).
 */
const minutes = (filter: SQL) =>
  sql`coalesce(extract(epoch FROM sum(t.completed_at - t.started_at) FILTER (WHERE ${filter})) / 60, 0)::float8`;

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

/**
 * Task numbers per stats block: a channel's part is the merge of its blocks' parts (numbers
 * [block * STATS_BLOCK, (block + 1) * STATS_BLOCK)), each cached on its own, so a change re-reads one
 * block of one channel (a range of tasks_stats_number_idx), not the whole channel.
 */
export const STATS_BLOCK = 65_536;

/** The stats block a task number falls in. */
export const statsBlockOf = (number: number): number => Math.floor(number / STATS_BLOCK);

/** The blocks a channel's tasks may fill: 0 up to its newest number's (none for a channel without tasks). */
export async function statsBlocksOf(q: Queryable, guildId: string, channelId: string): Promise<number[]> {
  const [row] = await queryRows<{ top: number | null }>(
    q,
    sql`SELECT max(t.number) AS top FROM tasks t WHERE t.guild_id = ${guildId} AND t.channel_id = ${channelId}`,
  );
  if (row?.top === null || row?.top === undefined) return [];
  return Array.from({ length: Math.floor(Number(row.top) / STATS_BLOCK) + 1 }, (_, block) => block);
}

interface BlockRow extends Record<string, unknown> {
  block: number;
}

/**
 * These blocks' parts of one channel, in three queries whatever their count (each grouped by block
 * as well). Every block asked for has a part, empty when it holds none of the channel's tasks.
 */
export async function statsBlocks(
  q: Queryable,
  guildId: string,
  channelId: string,
  blocks: readonly number[],
): Promise<Map<number, StatsPart>> {
  const parts = new Map<number, StatsPart>(blocks.map((block) => [block, emptyPart()]));
  if (blocks.length === 0) return parts;
  const low = Math.min(...blocks) * STATS_BLOCK;
  const high = (Math.max(...blocks) + 1) * STATS_BLOCK;
  const block = sql.raw(`(t.number / ${STATS_BLOCK})`);
  const contiguous = high - low === blocks.length * STATS_BLOCK;
  const scoped = sql`t.guild_id = ${guildId} AND t.channel_id = ${channelId}
    AND t.number >= ${low} AND t.number < ${high}${
      contiguous ? sql`` : sql` AND ${block} = ANY(${sql.param([...blocks])}::int[])`
    }`;
  const timedDone = sql`t.status = 'done' AND t.started_at IS NOT NULL`;
  const estimatedDone = sql`${timedDone} AND t.estimate_minutes IS NOT NULL`;
  // Counts, workload and estimates in one pass over the blocks' index entries (two grouping sets).
  const [figures, labels, oldest] = await Promise.all([
    queryRows<FigureRow & BlockRow>(
      q,
      sql`SELECT ${block} AS block, grouping(t.status)::int AS by_assignee, t.status, t.priority, t.assignee_id,
          count(*)::int AS n,
          count(*) FILTER (WHERE t.status IN ${LIVE})::int AS live,
          count(*) FILTER (WHERE t.status = 'in_progress')::int AS in_progress,
          count(*) FILTER (WHERE t.status = 'done')::int AS done,
          ${minutes(timedDone)} AS done_minutes,
          count(*) FILTER (WHERE ${timedDone})::int AS timed_done,
          count(*) FILTER (WHERE ${estimatedDone})::int AS estimated_tasks,
          coalesce(sum(t.estimate_minutes) FILTER (WHERE ${estimatedDone}), 0)::int AS estimated,
          ${minutes(estimatedDone)} AS actual
        FROM tasks t WHERE ${scoped}
        GROUP BY GROUPING SETS ((${block}, t.status, t.priority), (${block}, t.assignee_id))`,
    ),
    queryRows<{ label: string; done: number; total: number } & BlockRow>(
      q,
      sql`SELECT ${block} AS block, label, count(*) FILTER (WHERE t.status = 'done')::int AS done,
          count(*)::int AS total
        FROM tasks t CROSS JOIN LATERAL unnest(t.labels) AS label
        WHERE ${scoped} AND t.status <> 'cancelled' AND cardinality(t.labels) > 0
        GROUP BY ${block}, label`,
    ),
    // The five oldest open tasks of each block (tasks_channel_status_number_idx, a probe per block).
    queryRows<{ number: number; title: string; status: TaskStatus } & BlockRow>(
      q,
      sql`SELECT b.block, o.number, o.title, o.status
        FROM unnest(${sql.param([...blocks])}::int[]) AS b(block)
        CROSS JOIN LATERAL (
          SELECT t.number, t.title, t.status FROM tasks t
          WHERE t.channel_id = ${channelId} AND t.status = 'open' AND t.guild_id = ${guildId}
            AND t.number >= b.block * ${STATS_BLOCK} AND t.number < (b.block + 1) * ${STATS_BLOCK}
          ORDER BY t.number LIMIT 5) o`,
    ),
  ]);
  const partOf = (row: BlockRow) => parts.get(Number(row.block))!;
  for (const row of figures) {
    const part = partOf(row);
    if (Number(row.by_assignee) === 0) {
      part.counts.push({
        status: row.status as TaskStatus,
        priority: row.priority as Priority,
        n: Number(row.n),
      });
      part.estimates.tasks += Number(row.estimated_tasks);
      part.estimates.estimatedMinutes += Number(row.estimated);
      part.estimates.actualMinutes += Number(row.actual);
    } else if (row.assignee_id !== null) {
      part.assignees.push({
        userId: String(row.assignee_id),
        live: Number(row.live),
        inProgress: Number(row.in_progress),
        done: Number(row.done),
        doneMinutes: Number(row.done_minutes),
        timedDone: Number(row.timed_done),
      });
    }
  }
  for (const row of labels)
    partOf(row).labels.push({ label: row.label, done: Number(row.done), total: Number(row.total) });
  for (const row of oldest)
    partOf(row).oldestOpen.push({ number: Number(row.number), title: row.title, status: row.status });
  return parts;
}

function emptyPart(): StatsPart {
  return {
    counts: [],
    labels: [],
    assignees: [],
    estimates: { tasks: 0, estimatedMinutes: 0, actualMinutes: 0 },
    oldestOpen: [],
  };
}

/** Several parts as one (a channel's from its blocks'): sums per key, the five oldest open of all. */
export function mergeParts(parts: readonly StatsPart[]): StatsPart {
  const counts = new Map<string, StatsPart["counts"][number]>();
  const labels = new Map<string, StatsPart["labels"][number]>();
  const assignees = new Map<string, StatsPart["assignees"][number]>();
  const merged = emptyPart();
  for (const part of parts) {
    for (const row of part.counts) {
      const key = `${row.status}:${row.priority}`;
      const sum = counts.get(key);
      counts.set(key, sum ? { ...sum, n: sum.n + row.n } : { ...row });
    }
    for (const row of part.labels) {
      const sum = labels.get(row.label);
      labels.set(
        row.label,
        sum ? { label: row.label, done: sum.done + row.done, total: sum.total + row.total } : { ...row },
      );
    }
    for (const row of part.assignees) {
      const sum = assignees.get(row.userId);
      assignees.set(
        row.userId,
        sum
          ? {
              userId: row.userId,
              live: sum.live + row.live,
              inProgress: sum.inProgress + row.inProgress,
              done: sum.done + row.done,
              doneMinutes: sum.doneMinutes + row.doneMinutes,
              timedDone: sum.timedDone + row.timedDone,
            }
          : { ...row },
      );
    }
    merged.estimates.tasks += part.estimates.tasks;
    merged.estimates.estimatedMinutes += part.estimates.estimatedMinutes;
    merged.estimates.actualMinutes += part.estimates.actualMinutes;
    merged.oldestOpen.push(...part.oldestOpen);
  }
  merged.counts = [...counts.values()];
  merged.labels = [...labels.values()];
  merged.assignees = [...assignees.values()];
  merged.oldestOpen = merged.oldestOpen.sort((a, b) => a.number - b.number).slice(0, 5);
  return merged;
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

/**
 * Live tasks past their due time in these channels (null: all of the guild's): index-only, over the
 * channels' entries of tasks_stats_number_idx or the guild's of tasks_live_due_idx (the planner's pick).
 */
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
