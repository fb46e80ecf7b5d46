import type { Logger } from "../log.ts";
import type { GateDrift, GateService } from "../services/contracts.ts";

export interface GateDriftJobOptions {
  gate: GateService;
  log: Logger;
  /** Default 60 s, ± 20 % so instances drift apart. */
  intervalMs?: number;
}

export interface GateDriftJob {
  runOnce(): Promise<GateDrift[]>;
  stop(): Promise<void>;
}

/**
 * Repairs counters that drifted (a process that died between reserve and release, a seed that raced a
 * release). The counters' TTL bounds any drift anyway; this makes the bound the interval. Safe on every
 * instance: a repair is a seed under the channel lock.
 */
export function startGateDriftCheck(options: GateDriftJobOptions): GateDriftJob {
  const log = options.log.child({ component: "gate-drift" });
  const intervalMs = options.intervalMs ?? 60_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();

  const runOnce = async () => {
    const drifts = await options.gate.checkDrift();
    for (const drift of drifts) log.warn(drift, "queue gate counter disagreed with Postgres; repaired");
    return drifts;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        current = runOnce()
          .catch((error: unknown) => log.warn({ err: error }, "gate drift check failed"))
          .finally(schedule);
      },
      intervalMs * (0.8 + Math.random() * 0.4),
    );
    timer.unref();
  };
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
