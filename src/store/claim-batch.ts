import { type SQL, sql } from "drizzle-orm";
import { Combiner } from "./combiner.ts";
import type { Database } from "./database.ts";
import { eligibleOpenTask } from "./eligibility.ts";
import { newNonce } from "./outbox.ts";
import { prepareStatement, runPrepared } from "./prepared.ts";
import { CLAIMED_COLUMNS, type ClaimAlone, claimNextAlone, claimOfRow, type EligibleQuery } from "./queue.ts";
import { LINKED_TASK_FIELDS } from "./task-views.ts";
import { retried } from "./transaction.ts";

interface BatchValues extends Record<string, unknown> {
  guildId: string;
  channelId: string;
  userIds: string[];
  sources: string[];
  nows: string[];
  cardDueAts: string[];
  nonces: string[];
  defaultLeaseMinutes: number;
}

const b = (name: keyof BatchValues & string) => sql.placeholder(name);

/**
 * claimStatement for several callers at once (distinct users, no label filter of their own): one
 * statement, one commit, for what would be N. Each caller is gated as there (registered or not, its
 * cap with the claim_seq check, the agents' rows locked in one order), then the first free eligible
 * tasks, as many as callers may take, are locked (SKIP LOCKED) and the k-th in queue order goes to the
 * k-th caller, with its own claimed and started events, attempt and card row. Exact only when each
 * caller would have taken that task on its own, in turn: so a caller whose agent has labels is answered
 * "alone", and so are all callers when a picked task was already assigned to one of them (nothing
 * written for them); they run claimStatement by themselves.
 */
function claimBatchStatement(): SQL {
  const lease = sql`make_interval(mins => coalesce(
    (SELECT lease_minutes FROM channel_settings WHERE channel_id = ${b("channelId")}), ${b("defaultLeaseMinutes")}::int))`;
  const f = LINKED_TASK_FIELDS;
  return sql`WITH callers AS (
    SELECT u.user_id, u.source, u.now, u.due, u.nonce, u.ord
    FROM unnest(${b("userIds")}::text[], ${b("sources")}::text[], ${b("nows")}::timestamptz[],
      ${b("cardDueAts")}::timestamptz[], ${b("nonces")}::text[]) WITH ORDINALITY AS u(user_id, source, now, due, nonce, ord)
  ), registered AS (
    SELECT user_id, claim_seq FROM agents WHERE guild_id = ${b("guildId")} AND user_id = ANY(${b("userIds")}::text[])
  ), agent AS (
    SELECT a.user_id, a.labels, a.max_concurrent,
      (SELECT count(*)::int FROM tasks held WHERE held.guild_id = ${b("guildId")}
        AND held.assignee_id = a.user_id AND held.status = 'in_progress') AS busy
    FROM agents a
    WHERE a.guild_id = ${b("guildId")} AND a.user_id = ANY(${b("userIds")}::text[])
      AND a.claim_seq = (SELECT r.claim_seq FROM registered r WHERE r.user_id = a.user_id)
    ORDER BY a.user_id
    FOR UPDATE OF a
  ), gate AS (
    SELECT c.user_id, c.source, c.now, c.due, c.nonce, c.ord,
      CASE WHEN r.user_id IS NULL THEN 'member'
        WHEN a.max_concurrent IS NULL THEN 'contended'
        WHEN a.busy >= a.max_concurrent THEN 'full'
        WHEN coalesce(cardinality(a.labels), 0) > 0 THEN 'alone'
        ELSE 'agent' END AS outcome,
      a.busy, a.max_concurrent
    FROM callers c LEFT JOIN registered r ON r.user_id = c.user_id LEFT JOIN agent a ON a.user_id = c.user_id
  ), takers AS (
    SELECT g.*, row_number() OVER (ORDER BY g.ord) AS n FROM gate g WHERE g.outcome IN ('member', 'agent')
  ), candidate AS (
    SELECT c.id, c.assignee_id, c.priority_rank, c.created_at FROM tasks c
    WHERE EXISTS (SELECT 1 FROM takers)
      AND c.channel_id = ${b("channelId")} AND c.guild_id = ${b("guildId")}
      AND ${eligibleOpenTask('"c"', sql`(SELECT max(now) FROM callers)`)}
      AND (c.assignee_id IS NULL OR c.assignee_id IN (SELECT user_id FROM takers))
    ORDER BY c.priority_rank, c.created_at, c.id
    LIMIT (SELECT count(*) FROM takers)
    FOR NO KEY UPDATE OF c SKIP LOCKED
  ), picked AS (
    SELECT id, assignee_id, row_number() OVER (ORDER BY priority_rank, created_at, id) AS n FROM candidate
  ), mixed AS (
    SELECT EXISTS (SELECT 1 FROM picked WHERE assignee_id IS NOT NULL) AS yes
  ), assignment AS (
    SELECT p.id, p.assignee_id AS previous_assignee_id, k.user_id, k.outcome, k.now, k.source, k.nonce, k.due
    FROM picked p JOIN takers k ON k.n = p.n
    WHERE NOT (SELECT yes FROM mixed)
  ), claimed AS (
    UPDATE tasks t SET status = 'in_progress', assignee_id = a.user_id,
      started_at = coalesce(t.started_at, a.now), next_attempt_at = NULL,
      lease_expires_at = CASE WHEN a.outcome = 'agent' THEN a.now + ${lease} END,
      version = t.version + 1, updated_at = a.now
    FROM assignment a WHERE t.id = a.id
    RETURNING t.*, a.previous_assignee_id, a.user_id AS claimer, a.source AS claim_source, a.now AS claim_now,
      a.nonce AS claim_nonce, a.due AS claim_due
  ), claim_counted AS (
    UPDATE agents SET claim_seq = claim_seq + 1
    WHERE guild_id = ${b("guildId")} AND user_id IN (SELECT claimer FROM claimed)
  ), events AS (
    INSERT INTO task_events (task_id, guild_id, actor_id, kind, from_status, to_status, details, source, created_at)
    SELECT id, guild_id, claimer, 'claimed', 'open', 'open',
        jsonb_build_object('assigneeId', claimer, 'via', 'next'), claim_source, claim_now
      FROM claimed WHERE previous_assignee_id IS DISTINCT FROM claimer
    UNION ALL
    SELECT id, guild_id, claimer, 'started', 'open', 'in_progress',
        jsonb_build_object('attempt', attempts + 1, 'via', 'next'), claim_source, claim_now
      FROM claimed
  ), superseded AS (
    UPDATE task_attempts x SET ended_at = c.claim_now, outcome = 'released', summary = NULL, result = NULL,
      error = 'superseded by a new attempt'
    FROM claimed c WHERE x.task_id = ANY(ARRAY(SELECT id FROM claimed)) AND x.task_id = c.id
      AND x.ended_at IS NULL
  ), attempt AS (
    INSERT INTO task_attempts (task_id, assignee_id, started_at, attempt)
    SELECT id, claimer, claim_now,
      (SELECT coalesce(max(attempt), 0) + 1 FROM task_attempts WHERE task_id = claimed.id)
    FROM claimed
  ), card AS (
    INSERT INTO outbox (guild_id, channel_id, task_id, kind, payload, coalesce_key, nonce, next_attempt_at, created_at)
    SELECT guild_id, channel_id, id, 'card', jsonb_build_object('taskId', id, 'version', version), 'card:' || id,
      claim_nonce, claim_due, claim_now
    FROM claimed
  )
  SELECT CASE WHEN g.outcome IN ('member', 'agent') AND (SELECT yes FROM mixed) THEN 'alone' ELSE g.outcome END
      AS outcome,
    g.busy, g.max_concurrent AS "maxConcurrent", t.previous_assignee_id AS "previousAssigneeId",
    ${CLAIMED_COLUMNS}, ${f.parent} AS parent, ${f.dependencies} AS dependencies, ${f.blocks} AS blocks,
    ${f.subtasks} AS subtasks
  FROM gate g LEFT JOIN claimed t ON t.claimer = g.user_id
  ORDER BY g.ord`;
}

const CLAIM_BATCH = prepareStatement<BatchValues>("tasklane_claim_next_batch", claimBatchStatement());

/** One caller's `next` as the combiner takes it (see claimNextCombined). */
export type CombinedClaimQuery = Omit<EligibleQuery, "agentLabels" | "wantLabels"> & {
  source: string;
  cardDueAt: Date;
  defaultLeaseMinutes: number;
};

/**
 * Claims of one lane (guild + channel) running at once; the callers arriving meanwhile wait and go
 * together. One: the most callers per statement (measured: 2 claimed no faster with 8 agents, and
 * combined fewer claim + submit cycles). The cost: a combined claim that waits for an agent's row
 * (held by a locking claim or an edit of the agent) holds up the channel's other callers meanwhile.
 */
const CLAIM_LANES = 1;

const claimAlone = (database: Database, query: CombinedClaimQuery) =>
  retried(() => claimNextAlone(database, { ...query, wantLabels: [] }, "skip"));

const claims = new Combiner<Database, CombinedClaimQuery, ClaimAlone>({
  lane: (query) => `${query.guildId}:${query.channelId}:${query.defaultLeaseMinutes}`,
  conflict: (query) => query.userId,
  lanes: CLAIM_LANES,
  batchMax: 16,
  one: claimAlone,
  many: async (database, queries) => {
    const first = queries[0]!;
    const rows = await retried(() =>
      runPrepared<Record<string, unknown>, BatchValues>(database, CLAIM_BATCH, {
        guildId: first.guildId,
        channelId: first.channelId,
        userIds: queries.map((query) => query.userId),
        sources: queries.map((query) => query.source),
        nows: queries.map((query) => query.now.toISOString()),
        cardDueAts: queries.map((query) => query.cardDueAt.toISOString()),
        nonces: queries.map(() => newNonce()),
        defaultLeaseMinutes: first.defaultLeaseMinutes,
      }),
    );
    return Promise.all(
      queries.map(async (query, index) => {
        const claim = claimOfRow(rows[index]);
        return claim.outcome === "alone" ? claimAlone(database, query) : claim;
      }),
    );
  },
});

/**
 * `next` (skip mode, no label filter of the caller's own) through a combiner (store/combiner.ts):
 * while claims for the same guild and channel are running in this process, the callers arriving
 * meanwhile share one statement (claimBatchStatement). A caller alone, and any caller the combined
 * statement answers "alone", runs claimStatement by itself. Each caller gets what
 * claimNextAlone(…, "skip") would have given it.
 */
export function claimNextCombined(database: Database, query: CombinedClaimQuery): Promise<ClaimAlone> {
  return claims.run(database, query);
}
