import { ConflictError, UserError } from "../../domain/errors.ts";
import type { Logger } from "../../log.ts";
import type { Database } from "../../store/database.ts";
import { claimExpiredLeases, type ExpiredLease } from "../../store/leases.ts";
import { sqlNow } from "../../store/raw.ts";
import { actorEverywhere } from "../actors.ts";
import type { TaskService } from "../contracts.ts";

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
  const leases = await claimExpiredLeases(
    deps.database.db,
    sqlNow(deps.now),
    claimSeconds,
    deps.batchSize ?? 20,
  );
  let counted = 0;
  for (const lease of leases) {
    if (await failExpired(deps, userId, lease)) counted += 1;
  }
  return counted;
}

async function failExpired(deps: ExpireLeasesDeps, userId: string, lease: ExpiredLease): Promise<boolean> {
  const fields = { taskId: lease.id, number: lease.number, guildId: lease.guildId };
  try {
    const { task } = await deps.tasks.transition(
      {
        guildId: lease.guildId,
        channelId: lease.channelId,
        actor: actorEverywhere({ userId, isBot: true }),
        source: "system",
      },
      {
        number: lease.number,
        action: "fail",
        expectedVersion: lease.version,
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
