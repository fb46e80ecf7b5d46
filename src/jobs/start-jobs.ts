import type { Logger } from "../log.ts";
import type { TaskService } from "../services/types.ts";
import type { Database } from "../store/database.ts";
import { expireLeases } from "./expire-leases.ts";

export interface JobsOptions {
  database: Database;
  tasks: TaskService;
  log: Logger;
  systemUserId: () => string | undefined;
  /** How often each job looks for work (± 20 % so instances drift apart). Default 5 s. */
  intervalMs?: number;
  leaseClaimMs?: number;
  /** The engine's clock (ServiceDeps.now). */
  now?: () => Date;
}

export interface Jobs {
  /** One pass of every job now (tests, and start-up). */
  runOnce(): Promise<{ expiredLeases: number }>;
  stop(): Promise<void>;
}

/**
 * Background jobs, safe on every instance: each claims its rows with SKIP LOCKED. Retried assignments
 * need no job: the engine writes their outbox row due at the end of the backoff, and the outbox
 * dispatcher sends it then, once.
 */
export function startJobs(options: JobsOptions): Jobs {
  const log = options.log.child({ component: "jobs" });
  const intervalMs = options.intervalMs ?? 5_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();

  async function runOnce() {
    const expiredLeases = await expireLeases({
      database: options.database,
      tasks: options.tasks,
      log,
      systemUserId: options.systemUserId,
      claimMs: options.leaseClaimMs,
      now: options.now,
    });
    return { expiredLeases };
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(tick, intervalMs * (0.8 + Math.random() * 0.4));
  }

  function tick(): void {
    current = runOnce()
      .catch((error: unknown) => log.warn({ err: error }, "background jobs pass failed"))
      .finally(schedule);
  }

  schedule();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
