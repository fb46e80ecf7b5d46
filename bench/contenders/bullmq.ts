import { type ConnectionOptions, Queue, Worker } from "bullmq";
import { type ContenderOptions, type ContenderRun, createClaimLedger, enqueueAll } from "./types.ts";

function connectionFrom(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    db: Number(url.pathname.slice(1) || 0),
    password: url.password || undefined,
    maxRetriesPerRequest: null,
  };
}

/**
 * BullMQ 5 as its users run it: Queue.add per item, then `workers` Worker instances (concurrency 1,
 * each on its own connection) processing with an empty processor. A worker's cycle time is the gap
 * between two of its completions: BullMQ fetches the next job while completing the last one.
 */
export async function runBullmq(options: ContenderOptions): Promise<ContenderRun> {
  const connection = connectionFrom(options.redisUrl);
  const prefix = `bench-${options.runId}`;
  const queue = new Queue("bench", { connection, prefix });
  try {
    const enqueueMs: number[] = [];
    const enqueueWallMs = await enqueueAll(
      options.items,
      options.producers,
      async (index) => {
        await queue.add("item", { index });
      },
      enqueueMs,
    );

    const cycleMs: number[] = [];
    const ledger = createClaimLedger();
    let completed = 0;
    let finishedAt = 0;
    let allDone!: () => void;
    const done = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    const started = performance.now();
    const workers = Array.from({ length: options.workers }, () => {
      let last = started;
      const worker = new Worker(
        "bench",
        async (job) => {
          ledger.record(String(job.id));
        },
        { connection, prefix, concurrency: 1, autorun: false },
      );
      worker.on("completed", () => {
        const now = performance.now();
        cycleMs.push(now - last);
        last = now;
        completed += 1;
        if (completed === options.items) {
          finishedAt = now;
          allDone();
        }
      });
      worker.on("error", (error) => console.error("bullmq worker:", error.message));
      return worker;
    });
    for (const worker of workers) void worker.run();
    await done;
    await Promise.all(workers.map((worker) => worker.close()));
    return {
      enqueueMs,
      enqueueWallMs,
      cycleMs,
      cycleWallMs: finishedAt - started,
      duplicates: ledger.duplicates,
      completed: await queue.getCompletedCount(),
    };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}
