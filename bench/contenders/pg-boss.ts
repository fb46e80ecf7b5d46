import pg from "pg";
import PgBoss from "pg-boss";
import { type ContenderOptions, type ContenderRun, createClaimLedger, drain, enqueueAll } from "./types.ts";

/** pg-boss 10 with its defaults, in its own schema: send per item, then fetch one + complete. */
export async function runPgBoss(options: ContenderOptions, databaseUrl: string): Promise<ContenderRun> {
  const queue = "bench";
  const boss = new PgBoss({
    connectionString: databaseUrl,
    max: Math.max(options.workers, options.producers) + 2,
  });
  boss.on("error", (error) => console.error("pg-boss:", error.message));
  await boss.start();
  try {
    await boss.createQueue(queue);
    const enqueueMs: number[] = [];
    const enqueueWallMs = await enqueueAll(
      options.items,
      options.producers,
      async (index) => {
        await boss.send(queue, { index });
      },
      enqueueMs,
    );

    const cycleMs: number[] = [];
    const ledger = createClaimLedger();
    const cycleWallMs = await drain(
      options.workers,
      async () => {
        const [job] = await boss.fetch(queue, { batchSize: 1 });
        if (!job) return null;
        await boss.complete(queue, job.id);
        return job.id;
      },
      cycleMs,
      ledger,
    );
    return {
      enqueueMs,
      enqueueWallMs,
      cycleMs,
      cycleWallMs,
      duplicates: ledger.duplicates,
      completed: await countCompleted(databaseUrl, queue),
    };
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

async function countCompleted(databaseUrl: string, queue: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'",
      [queue],
    );
    return result.rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}
