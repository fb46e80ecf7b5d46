import pg from "pg";
import { type ContenderOptions, type ContenderRun, createClaimLedger, drain, enqueueAll } from "./types.ts";

/**
 * The floor: the least a Postgres queue can do. One INSERT per item; a worker claims with
 * UPDATE … FOR UPDATE SKIP LOCKED and completes with a second UPDATE. No audit, no outbox, no limits.
 */
export async function runPgFloor(options: ContenderOptions, databaseUrl: string): Promise<ContenderRun> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: Math.max(options.workers, options.producers),
  });
  try {
    await pool.query(`CREATE TABLE floor_jobs (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      state text NOT NULL DEFAULT 'pending',
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz)`);
    await pool.query("CREATE INDEX floor_jobs_pending_idx ON floor_jobs (id) WHERE state = 'pending'");

    const enqueueMs: number[] = [];
    const enqueueWallMs = await enqueueAll(
      options.items,
      options.producers,
      async (index) => {
        await pool.query("INSERT INTO floor_jobs (payload) VALUES ($1)", [{ index }]);
      },
      enqueueMs,
    );

    const cycleMs: number[] = [];
    const ledger = createClaimLedger();
    const cycleWallMs = await drain(
      options.workers,
      async () => {
        const claimed = await pool.query<{ id: string }>(
          `UPDATE floor_jobs SET state = 'active'
           WHERE id = (SELECT id FROM floor_jobs WHERE state = 'pending'
                       ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
           RETURNING id`,
        );
        const id = claimed.rows[0]?.id;
        if (id === undefined) return null;
        await pool.query("UPDATE floor_jobs SET state = 'done', completed_at = now() WHERE id = $1", [id]);
        return id;
      },
      cycleMs,
      ledger,
    );
    const done = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM floor_jobs WHERE state = 'done'",
    );
    return {
      enqueueMs,
      enqueueWallMs,
      cycleMs,
      cycleWallMs,
      duplicates: ledger.duplicates,
      completed: done.rows[0]?.n ?? 0,
    };
  } finally {
    await pool.end();
  }
}
