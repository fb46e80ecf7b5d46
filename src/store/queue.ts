import { and, asc, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { TaskView } from "../domain/task-view.ts";
import type { Database, Queryable, Tx } from "./database.ts";
import { eligibleOpenTask } from "./eligibility.ts";
import { newNonce } from "./outbox.ts";
import { columnsAs, prepareStatement, runPrepared, runPreparedOn } from "./prepared.ts";
import { toIso } from "./raw.ts";
import { type TaskRow, tasks } from "./schema.ts";
import { LINKED_TASK_FIELDS, type LinkedTasks, linkedTasksOf, selectTaskViewsByIds } from "./task-views.ts";

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
 * NO KEY UPDATE, not UPDATE: a row written into a table with a foreign key to tasks (messages,
 * reviews, reminders, threads, dependencies) takes a KEY SHARE lock on its task, and FOR UPDATE would
 * count those tasks as locked.
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

/** What the one-statement claim hands back (claimNextAlone). */
export type ClaimAlone =
  /** The caller is a registered agent already holding `busy` of its `maxConcurrent` tasks: nothing written. */
  | { outcome: "full"; busy: number; maxConcurrent: number }
  /** Another claim by the same agent ran at the same moment: its cap needs the locking path (claimNextEligible). */
  | { outcome: "contended" }
  /** Nothing eligible was free (`skip`), or nothing eligible at all (`wait`). */
  | { outcome: "none" }
  | {
      outcome: "claimed";
      /** The row as the claim wrote it (Dates from the driver), and whom it was assigned to before. */
      task: TaskRow;
      previousAssigneeId: string | null;
      linked: LinkedTasks;
      /** The claim made the caller a registered agent's lease holder. */
      agent: boolean;
    };

interface ClaimValues extends Record<string, unknown> {
  guildId: string;
  channelId: string;
  userId: string;
  wantLabels: string[];
  now: string;
  defaultLeaseMinutes: number;
  source: string;
  nonce: string;
  cardDueAt: string;
}

const p = (name: keyof ClaimValues & string) => sql.placeholder(name);
const NOW = sql`${p("now")}::timestamptz`;
export const CLAIMED_COLUMNS = columnsAs(tasks, "t");

/**
 * `next` in one autocommit statement (data-modifying CTEs): the agent's cap, the pick (the rule of
 * store/eligibility.ts, priority then age, NO KEY UPDATE for the reason above), the claim, the claimed
 * and started events, the superseded and new attempt, the card's outbox row, and what the view needs.
 * No lock is held across a round trip to the bot.
 *
 * The cap: a count in this statement reads the snapshot taken when it began, so it would miss a claim
 * by the same agent that committed meanwhile. Every claim that checks the cap moves the agent's
 * `claim_seq` on (here when it claims, and lockAgentWithLoad), and this one only counts when
 * `claim_seq` is still the value of its snapshot once it holds the agent's row (Postgres rechecks the
 * condition on the newest row after waiting for it); otherwise it answers "contended", writing nothing.
 */
function claimStatement(mode: "skip" | "wait"): SQL {
  const lease = sql`${NOW} + make_interval(mins => coalesce(
    (SELECT lease_minutes FROM channel_settings WHERE channel_id = ${p("channelId")}), ${p("defaultLeaseMinutes")}::int))`;
  const f = LINKED_TASK_FIELDS;
  return sql`WITH registered AS (
    SELECT claim_seq FROM agents WHERE guild_id = ${p("guildId")} AND user_id = ${p("userId")}
  ), agent AS (
    SELECT a.labels, a.max_concurrent,
      (SELECT count(*)::int FROM tasks held WHERE held.guild_id = ${p("guildId")}
        AND held.assignee_id = ${p("userId")} AND held.status = 'in_progress') AS busy
    FROM agents a
    WHERE a.guild_id = ${p("guildId")} AND a.user_id = ${p("userId")} AND a.claim_seq = (SELECT claim_seq FROM registered)
    FOR UPDATE
  ), gate AS (
    SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM registered) THEN 'member'
        WHEN a.max_concurrent IS NULL THEN 'contended'
        WHEN a.busy >= a.max_concurrent THEN 'full'
        ELSE 'agent' END AS outcome,
      a.labels, a.busy, a.max_concurrent
    FROM (SELECT 1) AS one LEFT JOIN agent a ON true
  ), candidate AS (
    SELECT c.id, c.assignee_id FROM tasks c
    WHERE (SELECT outcome FROM gate) IN ('member', 'agent')
      AND c.channel_id = ${p("channelId")} AND c.guild_id = ${p("guildId")}
      AND ${eligibleOpenTask('"c"', NOW)}
      AND (c.assignee_id IS NULL OR c.assignee_id = ${p("userId")})
      -- CASE, not OR: Postgres soon plans a prepared statement once for any values, and it takes an OR
      -- of parameters for a rare match and would sort the channel's queue rather than walk its index.
      AND CASE WHEN coalesce(cardinality((SELECT labels FROM gate)), 0) = 0 THEN true
        ELSE c.labels <@ (SELECT labels FROM gate) END
      AND CASE WHEN cardinality(${p("wantLabels")}::text[]) = 0 THEN true
        ELSE c.labels && ${p("wantLabels")}::text[] END
    ORDER BY c.priority_rank, c.created_at, c.id
    LIMIT 1
    FOR NO KEY UPDATE OF c${sql.raw(mode === "skip" ? " SKIP LOCKED" : "")}
  ), claimed AS (
    UPDATE tasks t SET status = 'in_progress', assignee_id = ${p("userId")},
      started_at = coalesce(t.started_at, ${NOW}), next_attempt_at = NULL,
      lease_expires_at = CASE WHEN (SELECT outcome FROM gate) = 'agent' THEN ${lease} END,
      version = t.version + 1, updated_at = ${NOW}
    FROM candidate WHERE t.id = candidate.id
    RETURNING t.*, candidate.assignee_id AS previous_assignee_id
  ), claim_counted AS (
    UPDATE agents SET claim_seq = claim_seq + 1
    WHERE guild_id = ${p("guildId")} AND user_id = ${p("userId")} AND EXISTS (SELECT 1 FROM claimed)
  ), events AS (
    INSERT INTO task_events (task_id, guild_id, actor_id, kind, from_status, to_status, details, source, created_at)
    SELECT id, guild_id, ${p("userId")}, 'claimed', 'open', 'open',
        jsonb_build_object('assigneeId', ${p("userId")}::text, 'via', 'next'), ${p("source")}, ${NOW}
      FROM claimed WHERE previous_assignee_id IS DISTINCT FROM ${p("userId")}
    UNION ALL
    SELECT id, guild_id, ${p("userId")}, 'started', 'open', 'in_progress',
        jsonb_build_object('attempt', attempts + 1, 'via', 'next'), ${p("source")}, ${NOW}
      FROM claimed
  ), superseded AS (
    UPDATE task_attempts SET ended_at = ${NOW}, outcome = 'released', summary = NULL, result = NULL,
      error = 'superseded by a new attempt'
    WHERE task_id = (SELECT id FROM claimed) AND ended_at IS NULL
  ), attempt AS (
    INSERT INTO task_attempts (task_id, assignee_id, started_at, attempt)
    SELECT id, ${p("userId")}, ${NOW},
      (SELECT coalesce(max(attempt), 0) + 1 FROM task_attempts WHERE task_id = claimed.id)
    FROM claimed
  ), card AS (
    INSERT INTO outbox (guild_id, channel_id, task_id, kind, payload, coalesce_key, nonce, next_attempt_at, created_at)
    SELECT guild_id, channel_id, id, 'card', jsonb_build_object('taskId', id, 'version', version), 'card:' || id,
      ${p("nonce")}, ${p("cardDueAt")}::timestamptz, ${NOW}
    FROM claimed
  )
  SELECT g.outcome, g.busy, g.max_concurrent AS "maxConcurrent", t.previous_assignee_id AS "previousAssigneeId",
    ${CLAIMED_COLUMNS}, ${f.parent} AS parent, ${f.dependencies} AS dependencies, ${f.blocks} AS blocks,
    ${f.subtasks} AS subtasks
  FROM gate g LEFT JOIN claimed t ON true`;
}

const CLAIM_SKIPPING = prepareStatement<ClaimValues>("tasklane_claim_next_skip", claimStatement("skip"));
const CLAIM_WAITING = prepareStatement<ClaimValues>("tasklane_claim_next_wait", claimStatement("wait"));

/**
 * claimNextEligible with everything that goes with a claim, as one statement on its own (see
 * claimStatement); `mode` as there. The caller applies the cache effects once it has returned.
 */
export async function claimNextAlone(
  database: Database,
  query: Omit<EligibleQuery, "agentLabels"> & {
    source: string;
    cardDueAt: Date;
    defaultLeaseMinutes: number;
  },
  mode: "skip" | "wait",
): Promise<ClaimAlone> {
  const [row] = await runPrepared<Record<string, unknown>, ClaimValues>(
    database,
    mode === "skip" ? CLAIM_SKIPPING : CLAIM_WAITING,
    {
      guildId: query.guildId,
      channelId: query.channelId,
      userId: query.userId,
      wantLabels: query.wantLabels,
      now: query.now.toISOString(),
      defaultLeaseMinutes: query.defaultLeaseMinutes,
      source: query.source,
      nonce: newNonce(),
      cardDueAt: query.cardDueAt.toISOString(),
    },
  );
  return claimOfRow(row) as ClaimAlone;
}

/**
 * A claim statement's row for one caller as its outcome (the combined statement may also answer
 * "alone": that caller runs the single statement; see store/claim-batch.ts).
 */
export function claimOfRow(row: Record<string, unknown> | undefined): ClaimAlone | { outcome: "alone" } {
  const outcome = row?.outcome as "member" | "agent" | "contended" | "full" | "alone";
  if (outcome === "contended" || outcome === "alone") return { outcome };
  if (outcome === "full")
    return { outcome, busy: Number(row!.busy), maxConcurrent: Number(row!.maxConcurrent) };
  if (row?.id === null || row?.id === undefined) return { outcome: "none" };
  const { outcome: _, busy: _b, maxConcurrent: _m, previousAssigneeId, ...rest } = row;
  const { parent, dependencies, blocks, subtasks, ...task } = rest;
  return {
    outcome: "claimed",
    task: task as unknown as TaskRow,
    previousAssigneeId: (previousAssigneeId as string | null) ?? null,
    linked: linkedTasksOf({ parent, dependencies, blocks, subtasks }),
    agent: outcome === "agent",
  };
}

export interface QueuePosition {
  rank: number;
  createdAt: string;
  id: number;
}

/** The channel's open tasks in queue order (index tasks_queue_idx), after `position` when given. */
interface QueuePageValues extends Record<string, unknown> {
  guildId: string;
  channelId: string;
  limit: number;
  rank?: number;
  createdAt?: string;
  id?: number;
}

const q$ = (name: keyof QueuePageValues & string) => sql.placeholder(name);

function queuePageSql(after: boolean): SQL {
  const past = after
    ? sql` AND (t.priority_rank, t.created_at, t.id) > (${q$("rank")}::int, ${q$("createdAt")}::timestamptz, ${q$("id")}::int)`
    : sql``;
  return sql`SELECT t.id, t.priority_rank, t.created_at FROM tasks t
    WHERE t.channel_id = ${q$("channelId")}::text AND t.guild_id = ${q$("guildId")}::text AND t.status = 'open'${past}
    ORDER BY t.priority_rank, t.created_at, t.id LIMIT ${q$("limit")}::int`;
}

const FIRST_QUEUE_PAGE = prepareStatement<QueuePageValues>("tasklane_queue_first_page", queuePageSql(false));
const NEXT_QUEUE_PAGE = prepareStatement<QueuePageValues>("tasklane_queue_next_page", queuePageSql(true));

export async function pageQueue(
  q: Queryable,
  guildId: string,
  channelId: string,
  position: QueuePosition | null,
  limit: number,
): Promise<{ items: TaskView[]; last: QueuePosition | null; more: boolean }> {
  const rows = await runPreparedOn<
    { id: number; priority_rank: number; created_at: string },
    QueuePageValues
  >(
    q,
    position ? NEXT_QUEUE_PAGE : FIRST_QUEUE_PAGE,
    position
      ? {
          guildId,
          channelId,
          limit: limit + 1,
          rank: position.rank,
          createdAt: position.createdAt,
          id: position.id,
        }
      : { guildId, channelId, limit: limit + 1 },
  );
  const page = rows.slice(0, limit);
  const views = await selectTaskViewsByIds(
    q,
    page.map((row) => Number(row.id)),
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
