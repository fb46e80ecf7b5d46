import type { Signals } from "../cache/types.ts";
import type { Logger } from "../log.ts";
import type { JobService } from "../services/contracts.ts";

export interface JobsOptions {
  jobs: JobService;
  log: Logger;
  systemUserId: () => string | undefined;
  /** With them, a task change (from any instance) starts a pass at once: new tasks are auto-assigned promptly. */
  signals?: Signals;
  /** How often the jobs look for work (± 20 % so instances drift apart). Default 5 s. */
  intervalMs?: number;
  leaseClaimMs?: number;
}

/**
 * Bursts of changes make one pass, not one each. The first change of a burst sets the pass's time and later ones
 * never push it back: a bot that sees a change every few milliseconds still runs its jobs.
 */
const SIGNAL_DEBOUNCE_MS = 100;
/** Under a steady stream of changes, passes start at most this often (each pass is a few queries). */
const SIGNAL_PASS_GAP_MS = 1_000;

export interface Jobs {
  /** One pass of every job now (tests, and start-up). */
  runOnce(): Promise<{ expiredLeases: number; autoAssigned: number; reminders: number }>;
  stop(): Promise<void>;
}

/**
 * Background jobs, safe on every instance: lease expiry claims with SKIP LOCKED, auto-assignment
 * takes a per-guild advisory lock, and both act through the engine at the version they saw;
 * reminders are claimed one by one with SKIP LOCKED and marked sent with their outbox row.
 * Retried assignments need no job: the engine writes their outbox row due at the end of the
 * backoff, and the outbox dispatcher sends it then, once.
 */
export function startJobs(options: JobsOptions): Jobs {
  const log = options.log.child({ component: "jobs" });
  const intervalMs = options.intervalMs ?? 5_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let inPass = false;
  let again = false;
  let soonScheduled = false;
  let lastPassAt = Number.NEGATIVE_INFINITY;

  async function runOnce() {
    const { jobs, systemUserId } = options;
    const expiredLeases = await jobs.expireLeases({ systemUserId, claimMs: options.leaseClaimMs });
    const autoAssigned = await jobs.autoAssign({ systemUserId });
    const reminders = await jobs.sendReminders({ systemUserId });
    return { expiredLeases, autoAssigned, reminders };
  }

  /** One pass at a time; asked for during a pass, one more runs right after it. */
  function pass(): void {
    if (stopped) return;
    if (inPass) {
      again = true;
      return;
    }
    inPass = true;
    soonScheduled = false;
    lastPassAt = performance.now();
    clearTimeout(timer);
    running = runOnce()
      .catch((error: unknown) => log.warn({ err: error }, "background jobs pass failed"))
      .finally(() => {
        inPass = false;
        if (stopped) return;
        if (again) {
          again = false;
          scheduleSoon();
        } else schedule();
      });
  }

  function scheduleSoon(): void {
    if (soonScheduled) return;
    soonScheduled = true;
    clearTimeout(timer);
    const gapLeft = lastPassAt + SIGNAL_PASS_GAP_MS - performance.now();
    timer = setTimeout(pass, Math.max(SIGNAL_DEBOUNCE_MS, gapLeft));
  }

  function schedule(): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(pass, intervalMs * (0.8 + Math.random() * 0.4));
  }

  const unsubscribe = options.signals?.subscribe((signal) => {
    if (signal.type !== "task_changed" || stopped) return;
    if (inPass) again = true;
    else scheduleSoon();
  });

  schedule();
  return {
    runOnce,
    async stop() {
      stopped = true;
      unsubscribe?.();
      clearTimeout(timer);
      await running;
    },
  };
}
