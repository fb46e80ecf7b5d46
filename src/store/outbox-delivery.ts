import { type SQL, sql } from "drizzle-orm";
import type { Queryable } from "./database.ts";
import { type PreparedStatement, prepareStatement, runPreparedOn } from "./prepared.ts";

export interface ClaimedRow {
  id: number;
  guildId: string;
  channelId: string;
  taskId: number | null;
  kind: string;
  payload: Record<string, unknown>;
  coalesceKey: string | null;
  nonce: string;
  attempts: number;
}

/** A claimed leader row and the pending rows of the same coalesce key that its one send answers. */
export interface ClaimedGroup {
  leader: ClaimedRow;
  /** Every claimed id of the group, leader included, oldest first. */
  ids: number[];
}

interface RawRow extends Record<string, unknown> {
  id: number;
  guild_id: string;
  channel_id: string;
  task_id: number | null;
  kind: string;
  payload: Record<string, unknown>;
  coalesce_key: string | null;
  nonce: string;
  attempts: number;
}

/**
 * Claims up to `batch` due rows for `claimMs` (a visibility timeout: if this instance dies mid-send the
 * rows come due again, and the nonce / rendered_version keep the retry from posting twice).
 *
 * Rows sharing a coalesce key are sent as one: only the key's oldest pending row can lead, so while one
 * instance holds a key (its leader's next_attempt_at lies in the future) no other instance sends for it,
 * and rows that arrive meanwhile wait and join the next send. The leader's followers are claimed with it.
 */
export async function claimDueRows(
  db: Queryable,
  batch: number,
  claimMs: number,
  now?: Date,
): Promise<ClaimedGroup[]> {
  const rows = await runPreparedOn<RawRow, ClaimValues>(db, now ? CLAIM_DUE.at : CLAIM_DUE.now, {
    now: now?.toISOString() ?? null,
    batch,
    claimSeconds: claimMs / 1000,
  });
  return groupRows(rows.map(toClaimedRow));
}

interface ClaimValues extends Record<string, unknown> {
  now: string | null;
  batch: number;
  claimSeconds: number;
}

const p = (name: string) => sql.placeholder(name);

/** One statement for the injected clock's time (`at`), one for the database's (`now`). */
function clocked<Values extends Record<string, unknown>>(
  name: string,
  build: (at: SQL) => SQL,
): { at: PreparedStatement<Values>; now: PreparedStatement<Values> } {
  return {
    at: prepareStatement(`${name}_at`, build(sql`${p("now")}::timestamptz`)),
    now: prepareStatement(name, build(sql`now()`)),
  };
}

const CLAIM_DUE = clocked<ClaimValues>(
  "tasklane_claim_due_outbox",
  (at) => sql`
    WITH leaders AS (
      SELECT o.id FROM outbox o
      WHERE o.state = 'pending' AND o.next_attempt_at <= ${at}
        AND (o.coalesce_key IS NULL OR o.id = (
          SELECT min(b.id) FROM outbox b WHERE b.state = 'pending' AND b.coalesce_key = o.coalesce_key))
      ORDER BY o.next_attempt_at, o.id
      LIMIT ${p("batch")}::int
      FOR UPDATE SKIP LOCKED
    ),
    followers AS (
      SELECT f.id FROM outbox f
      WHERE f.state = 'pending' AND f.coalesce_key IN (
        SELECT l.coalesce_key FROM outbox l WHERE l.id IN (SELECT id FROM leaders) AND l.coalesce_key IS NOT NULL)
        AND f.id NOT IN (SELECT id FROM leaders)
      FOR UPDATE SKIP LOCKED
    )
    UPDATE outbox SET next_attempt_at = ${at} + make_interval(secs => ${p("claimSeconds")}::float8)
    WHERE id IN (SELECT id FROM leaders UNION ALL SELECT id FROM followers)
    RETURNING id, guild_id, channel_id, task_id, kind, payload, coalesce_key, nonce, attempts`,
);

function groupRows(rows: ClaimedRow[]): ClaimedGroup[] {
  const groups = new Map<string, ClaimedGroup>();
  for (const row of rows.sort((a, b) => a.id - b.id)) {
    const key = row.coalesceKey ?? `#${row.id}`;
    const group = groups.get(key);
    if (group) group.ids.push(row.id);
    else groups.set(key, { leader: row, ids: [row.id] });
  }
  return [...groups.values()];
}

function toClaimedRow(raw: RawRow): ClaimedRow {
  return {
    id: Number(raw.id),
    guildId: raw.guild_id,
    channelId: raw.channel_id,
    taskId: raw.task_id === null ? null : Number(raw.task_id),
    kind: raw.kind,
    payload: typeof raw.payload === "string" ? JSON.parse(raw.payload) : raw.payload,
    coalesceKey: raw.coalesce_key,
    nonce: raw.nonce,
    attempts: Number(raw.attempts),
  };
}

/** Sent (messageId set) or skipped (null: nothing to send any more, `note` says why). */
export async function markSent(
  db: Queryable,
  ids: number[],
  messageId: string | null,
  note: string | null = null,
): Promise<void> {
  await db.execute(sql`
    UPDATE outbox SET state = 'sent', sent_at = now(), discord_message_id = ${messageId}, last_error = ${note}
    WHERE id IN (${sql.join(ids, sql`, `)}) AND state = 'pending'`);
}

/** A failed try: due again after `delayMs`; `countsAsFailure` false for rate limits and not-ready waits. */
export async function scheduleRetry(
  db: Queryable,
  ids: number[],
  retryAt: Date,
  error: string,
  countsAsFailure: boolean,
): Promise<void> {
  await db.execute(sql`
    UPDATE outbox SET
      next_attempt_at = ${retryAt.toISOString()}::timestamptz,
      attempts = attempts + ${countsAsFailure ? 1 : 0},
      last_error = ${error}
    WHERE id IN (${sql.join(ids, sql`, `)}) AND state = 'pending'`);
}

export async function markDead(db: Queryable, ids: number[], error: string): Promise<void> {
  await db.execute(sql`
    UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ${error}
    WHERE id IN (${sql.join(ids, sql`, `)}) AND state = 'pending'`);
}

const UNTIL_NEXT_DUE = clocked<{ now: string | null }>(
  "tasklane_outbox_next_due",
  (at) => sql`
    SELECT (EXTRACT(EPOCH FROM (min(next_attempt_at) - ${at})) * 1000)::float8 AS ms
    FROM outbox WHERE state = 'pending'`,
);

/** Milliseconds until the next pending row comes due (0 if one is due now); null when none is pending. */
export async function msUntilNextDue(db: Queryable, now?: Date): Promise<number | null> {
  const [row] = await runPreparedOn<{ ms: number | null }, { now: string | null }>(
    db,
    now ? UNTIL_NEXT_DUE.at : UNTIL_NEXT_DUE.now,
    { now: now?.toISOString() ?? null },
  );
  // Not GREATEST(0, …) in SQL: GREATEST ignores NULL, so an empty outbox would read as "due now" and spin.
  const ms = row?.ms;
  return ms === null || ms === undefined ? null : Math.max(0, Number(ms));
}

/** node-postgres and PGlite both answer raw SQL with `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
