import { runPool } from "../support/pool.ts";

/**
 * One queue under test in the side-by-side scenario. Every contender gets the same item count and
 * the same number of workers; a worker loops "claim one, complete it" until the queue is empty.
 */
export interface ContenderRun {
  /** Per-item enqueue latency (ms) and the wall time of enqueueing every item. */
  enqueueMs: number[];
  enqueueWallMs: number;
  /** Per-item claim-and-complete latency (ms) and the wall time until every item was complete. */
  cycleMs: number[];
  cycleWallMs: number;
  /** Items handed to more than one worker (must be 0). */
  duplicates: number;
  completed: number;
  /** Extra facts for the claim row's note (e.g. statements per item). */
  note?: string;
}

export interface Contender {
  name: string;
  run(options: ContenderOptions, databaseUrl: string): Promise<ContenderRun>;
  /** Needs Tasklane's migrations in its database. */
  migrate: boolean;
}

export interface ContenderOptions {
  items: number;
  workers: number;
  /** Concurrent producers while enqueueing (one item per call, no batching). */
  producers: number;
  postgresUrl: string;
  redisUrl: string;
  runId: string;
}

/** Calls `enqueue(i)` for i in [0, items) from `producers` concurrent loops. */
export function enqueueAll(
  items: number,
  producers: number,
  enqueue: (index: number) => Promise<void>,
  samples: number[],
): Promise<number> {
  return runPool(producers, items, enqueue, samples);
}

/** Counts ids seen more than once: a claimed item handed to a second worker. */
export function createClaimLedger() {
  const seen = new Set<string>();
  let duplicates = 0;
  return {
    record(id: string) {
      if (seen.has(id)) duplicates += 1;
      else seen.add(id);
    },
    get duplicates() {
      return duplicates;
    },
    get size() {
      return seen.size;
    },
  };
}

/** Runs `workers` loops calling `claimAndComplete` until it returns null (queue empty). */
export async function drain(
  workers: number,
  claimAndComplete: (worker: number) => Promise<string | null>,
  samples: number[],
  ledger: ReturnType<typeof createClaimLedger>,
): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (;;) {
        const start = performance.now();
        const id = await claimAndComplete(worker);
        if (id === null) return;
        samples.push(performance.now() - start);
        ledger.record(id);
      }
    }),
  );
  return performance.now() - started;
}
