import type { Logger } from "../log.ts";
import type { EventService } from "../services/contracts.ts";

export interface Pruning {
  stop(): Promise<void>;
}

/**
 * Keeps the tables that only grow bounded: expired event claims and outbox rows sent over a week ago.
 * Every instance may run it; the deletes are idempotent and batched.
 */
export function startPruning(options: { events: EventService; log: Logger; intervalMs?: number }): Pruning {
  const intervalMs = options.intervalMs ?? 10 * 60_000;
  let running: Promise<void> = Promise.resolve();
  const pass = () => {
    running = options.events.prune().then(
      (pruned) => {
        if (pruned.handledEvents + pruned.sentOutbox > 0) options.log.debug(pruned, "pruned history");
      },
      (error: unknown) => options.log.warn({ err: error }, "pruning failed; trying again later"),
    );
  };
  const timer = setInterval(pass, intervalMs * (0.8 + Math.random() * 0.4));
  timer.unref();
  pass();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
