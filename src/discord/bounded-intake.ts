/** How many events may run at once and how many may wait for a turn. */
export interface IntakeLimits {
  /** Events whose work runs at once; the rest wait their turn (in arrival order unless behind). */
  concurrency: number;
  /** Events waiting at most; past it the oldest sheddable one is dropped. */
  maxQueued: number;
  /**
   * Once the oldest waiting event has waited this long, the process is behind: the newest waiting
   * goes first, while it can still be answered inside Discord's 3 s (served in arrival order, every
   * one of a backlog would be late; this way the oldest, already least likely to make it, are the
   * ones that wait, and go once their window is over or the queue is full). In arrival order again
   * as soon as the oldest has not waited that long.
   */
  newestFirstAfterMs: number;
}

/** Enough to keep the database pool (20) and Redis busy; each running event holds its own state. */
export const DEFAULT_INTAKE_LIMITS: IntakeLimits = {
  concurrency: 64,
  maxQueued: 1_000,
  newestFirstAfterMs: 1_000,
};

interface Waiting {
  queuedAt: number;
  start(): void;
  shed(): void;
  sheddable: boolean;
}

export interface BoundedIntake {
  /**
   * Runs `work` once a turn is free. A `sheddable` event (an interaction: Discord drops it after 3 s
   * anyway) may be shed instead when the queue is full and it is the oldest such waiting: `onShed` runs
   * and `work` never does. A mention is never shed.
   */
  run(work: () => Promise<void>, options: { sheddable: boolean; onShed(): void }): Promise<void>;
  readonly running: number;
  readonly queued: number;
}

/**
 * The bot's work in flight, bounded: a burst past what the process can answer waits in a queue of at
 * most `maxQueued` (each waiter holds only its gateway event), instead of every event holding open a
 * database query, a Redis command and an HTTP request of its own at once. When even the queue is full,
 * the oldest waiting interaction is the one least likely to be answered inside Discord's window: it goes.
 */
export function createBoundedIntake(limits: IntakeLimits = DEFAULT_INTAKE_LIMITS): BoundedIntake {
  const queue: Waiting[] = [];
  let running = 0;

  const next = () => {
    running -= 1;
    const behind = queue.length > 0 && performance.now() - queue[0]!.queuedAt > limits.newestFirstAfterMs;
    const waiting = behind ? queue.pop() : queue.shift();
    if (waiting) {
      running += 1;
      waiting.start();
    }
  };

  const shedOldest = () => {
    const index = queue.findIndex((waiting) => waiting.sheddable);
    if (index === -1) return;
    const [oldest] = queue.splice(index, 1);
    oldest!.shed();
  };

  return {
    run(work, { sheddable, onShed }) {
      if (running < limits.concurrency) {
        running += 1;
        return work().finally(next);
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({
          queuedAt: performance.now(),
          sheddable,
          start: () => work().finally(next).then(resolve, reject),
          shed: () => {
            try {
              onShed();
            } finally {
              resolve();
            }
          },
        });
        if (queue.length > limits.maxQueued) shedOldest();
      });
    },
    get running() {
      return running;
    },
    get queued() {
      return queue.length;
    },
  };
}
