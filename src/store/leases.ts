import { type SQL, sql } from "drizzle-orm";
import type { Queryable } from "./database.ts";
import { queryRows, toIso } from "./raw.ts";

export interface ExpiredLease {
  id: number;
  guildId: string;
  channelId: string;
  number: number;
  version: number;
}

/**
 * Claims up to `batch` expired leases with SKIP LOCKED by pushing each lease out by `claimSeconds`
 * (not a change: the version stays), so no other instance takes them while they are being failed.
 */
export async function claimExpiredLeases(
  q: Queryable,
  now: SQL,
  claimSeconds: number,
  batch: number,
): Promise<ExpiredLease[]> {
  const rows = await queryRows<{
    id: number;
    guild_id: string;
    channel_id: string;
    number: number;
    version: number;
  }>(
    q,
    sql`
    UPDATE tasks SET lease_expires_at = ${now} + make_interval(secs => ${claimSeconds})
    WHERE id IN (
      SELECT id FROM tasks
      WHERE status = 'in_progress' AND lease_expires_at <= ${now}
      ORDER BY lease_expires_at
      LIMIT ${batch}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, guild_id, channel_id, number, version`,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    guildId: row.guild_id,
    channelId: row.channel_id,
    number: Number(row.number),
    version: Number(row.version),
  }));
}

/**
 * Starts an agent's lease on a task it is being told about (a rework message): `leaseMinutes` from
 * `now`, while the task is still in progress with that assignee and no question holds it paused.
 * Not a change of the task (no version, no event): the card does not show the lease. Returns the
 * new expiry, or null when the task no longer qualifies.
 */
export async function startLeaseOnDelivery(
  q: Queryable,
  taskId: number,
  assigneeId: string,
  leaseMinutes: number,
  now: Date,
): Promise<string | null> {
  const [row] = await queryRows<{ lease_expires_at: unknown }>(
    q,
    sql`UPDATE tasks SET lease_expires_at = ${now.toISOString()}::timestamptz + make_interval(mins => ${leaseMinutes}::int)
      WHERE id = ${taskId} AND assignee_id = ${assigneeId} AND status = 'in_progress'
        AND metadata->'question' IS NULL
      RETURNING lease_expires_at`,
  );
  return row ? toIso(row.lease_expires_at) : null;
}
