import { sql } from "drizzle-orm";
import type { TaskStatus } from "../domain/task-states.ts";
import type { Queryable } from "./database.ts";
import { queryRows, toIso } from "./raw.ts";

/** Tasks per status over every guild (index-only on tasks_guild_status_number_idx). */
export async function countTasksByStatus(q: Queryable): Promise<{ status: TaskStatus; count: number }[]> {
  const rows = await queryRows<{ status: TaskStatus; n: number }>(
    q,
    sql`SELECT status, count(*)::int AS n FROM tasks GROUP BY status`,
  );
  return rows.map((row) => ({ status: row.status, count: Number(row.n) }));
}

/** Open tasks per channel, deepest first, at most `limit` channels (the partial index tasks_queue_idx). */
export async function deepestQueues(
  q: Queryable,
  limit: number,
): Promise<{ guildId: string; channelId: string; depth: number }[]> {
  const rows = await queryRows<{ guild_id: string; channel_id: string; n: number }>(
    q,
    sql`SELECT min(guild_id) AS guild_id, channel_id, count(*)::int AS n FROM tasks WHERE status = 'open'
      GROUP BY channel_id ORDER BY n DESC, channel_id LIMIT ${limit}`,
  );
  return rows.map((row) => ({ guildId: row.guild_id, channelId: row.channel_id, depth: Number(row.n) }));
}

/** Pending and dead outbox rows, and when the oldest pending one was written (outbox_pending_idx). */
export async function outboxBacklog(
  q: Queryable,
): Promise<{ pending: number; dead: number; oldestPendingAt: string | null }> {
  const [row] = await queryRows<{ pending: number; dead: number; oldest: unknown }>(
    q,
    sql`SELECT
      (SELECT count(*)::int FROM outbox WHERE state = 'pending') AS pending,
      (SELECT count(*)::int FROM outbox WHERE state = 'dead') AS dead,
      (SELECT min(created_at) FROM outbox WHERE state = 'pending') AS oldest`,
  );
  return {
    pending: Number(row?.pending ?? 0),
    dead: Number(row?.dead ?? 0),
    oldestPendingAt: toIso(row?.oldest),
  };
}
