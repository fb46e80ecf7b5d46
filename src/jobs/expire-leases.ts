import { sql } from "drizzle-orm";
import { ConflictError, UserError } from "../domain/errors.ts";
import type { Logger } from "../log.ts";
import { actorEverywhere } from "../services/actors.ts";
import type { TaskService } from "../services/types.ts";
import type { Database } from "../store/database.ts";

export interface ExpireLeasesDeps {
  database: Database;
  tasks: TaskService;
  log: Logger;
  /** The bot's own user id: the actor of system changes in the history. Undefined until known. */
  systemUserId: () => string | undefined;
  batchSize?: number;
  /** How long a claimed expired lease stays hidden from other instances while it is being failed. */
  claimMs?: number;
  /** The engine's clock, which wrote the leases. Default: Date. */
  now?: () => Date;
}

interface ExpiredLease extends Record<string, unknown> {
  id: number;
  guild_id: string;
  channel_id: string;
  number: number;
  version: number;
}

export const LEASE_EXPIRED_REASON = "lease expired: no progress reported in time";

/**
 * Counts an expired lease as a failed attempt. Claims with SKIP LOCKED by pushing the lease out by
 * `claimMs` (not a change: the version stays), then fails the task through the engine as the system
 * at the version it saw. If the agent reported progress meanwhile, the version moved and the engine
 * refuses: the lease was renewed, nothing is failed. If this instance dies, the claim runs out and
 * another instance takes it. Returns how many attempts it counted.
 */
export async function expireLeases(deps: ExpireLeasesDeps): Promise<number> {
  const userId = deps.systemUserId();
  if (!userId) return 0;
  const claimSeconds = (deps.claimMs ?? 60_000) / 1000;
  const now = deps.now ? sql`${deps.now().toISOString()}::timestamptz` : sql`now()`;
  const result = await deps.database.db.execute(sql`
    UPDATE tasks SET lease_expires_at = ${now} + make_interval(secs => ${claimSeconds})
    WHERE id IN (
      SELECT id FROM tasks
      WHERE status = 'in_progress' AND lease_expires_at <= ${now}
      ORDER BY lease_expires_at
      LIMIT ${deps.batchSize ?? 20}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, guild_id, channel_id, number, version`);
  let counted = 0;
  for (const lease of (result as unknown as { rows: ExpiredLease[] }).rows) {
    if (await failExpired(deps, userId, lease)) counted += 1;
  }
  return counted;
}

async function failExpired(deps: ExpireLeasesDeps, userId: string, lease: ExpiredLease): Promise<boolean> {
  const fields = { taskId: Number(lease.id), number: Number(lease.number), guildId: lease.guild_id };
  try {
    const { task } = await deps.tasks.transition(
      {
        guildId: lease.guild_id,
        channelId: lease.channel_id,
        actor: actorEverywhere({ userId, isBot: true }),
        source: "system",
      },
      {
        number: Number(lease.number),
        action: "fail",
        expectedVersion: Number(lease.version),
        text: LEASE_EXPIRED_REASON,
      },
    );
    deps.log.info(
      { ...fields, status: task.status, attempts: task.attempts },
      "expired lease counted as a failed attempt",
    );
    return true;
  } catch (error) {
    if (error instanceof ConflictError || error instanceof UserError) {
      deps.log.debug({ ...fields, reason: error.message }, "expired lease no longer applies");
      return false;
    }
    deps.log.warn(
      { ...fields, err: error },
      "could not fail an expired lease; its claim will run out and retry",
    );
    return false;
  }
}
