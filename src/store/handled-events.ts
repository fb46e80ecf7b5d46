import { sql } from "drizzle-orm";
import type { Queryable } from "./database.ts";
import { prepareStatement, runPreparedOn } from "./prepared.ts";
import { queryRows } from "./raw.ts";

const INSERT = prepareStatement<{ eventIds: string[] }>(
  "tasklane_handled_events",
  sql`INSERT INTO handled_events (event_id) SELECT unnest(${sql.placeholder("eventIds")}::text[])
  ON CONFLICT DO NOTHING RETURNING event_id`,
);

/**
 * Claims of many events in one statement: the ids this call inserted. Exactly one caller inserts an
 * id, on any number of instances; the rest find it taken.
 */
export async function insertHandledEvents(q: Queryable, eventIds: readonly string[]): Promise<Set<string>> {
  const rows = await runPreparedOn<{ event_id: string }, { eventIds: string[] }>(q, INSERT, {
    eventIds: [...eventIds],
  });
  return new Set(rows.map((row) => row.event_id));
}

/** One batch; the caller repeats while whole batches go. */
export async function deleteHandledEventsBefore(q: Queryable, before: Date, batch: number): Promise<number> {
  const rows = await queryRows(
    q,
    sql`DELETE FROM handled_events WHERE event_id IN (
      SELECT event_id FROM handled_events WHERE handled_at < ${before.toISOString()}::timestamptz LIMIT ${batch})
      RETURNING 1 AS gone`,
  );
  return rows.length;
}

/** Delivered outbox rows are history only once Discord has them; keep a week of it. */
export async function deleteOutboxSentBefore(q: Queryable, before: Date, batch: number): Promise<number> {
  const rows = await queryRows(
    q,
    sql`DELETE FROM outbox WHERE id IN (
      SELECT id FROM outbox WHERE state = 'sent' AND sent_at < ${before.toISOString()}::timestamptz LIMIT ${batch})
      RETURNING 1 AS gone`,
  );
  return rows.length;
}
