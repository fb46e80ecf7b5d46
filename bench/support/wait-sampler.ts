import pg from "pg";

/**
 * Samples pg_stat_activity of one database every `everyMs`: what its busy backends are doing or
 * waiting for (CPU, a row lock, the client…). The shares name where time goes under load.
 */
export function startWaitSampler(url: string, everyMs = 20) {
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const client = new pg.Client({ connectionString: url, application_name: "bench-wait-sampler" });
  const loop = (async () => {
    await client.connect();
    while (running) {
      const result = await client.query<{ what: string }>(
        `SELECT CASE WHEN state = 'idle in transaction' THEN 'idle in transaction (waiting for the bot)'
                     ELSE coalesce(wait_event_type || ':' || wait_event, 'on CPU') END AS what
           FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND state IN ('active', 'idle in transaction')`,
      );
      samples += 1;
      for (const row of result.rows) counts.set(row.what, (counts.get(row.what) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    await client.end();
  })();
  return {
    /** Average busy backends by state, most first: "on CPU 3.1, Lock:tuple 2.4, …". */
    async stop(): Promise<{ what: string; average: number }[]> {
      running = false;
      await loop.catch(() => undefined);
      return [...counts.entries()]
        .map(([what, count]) => ({ what, average: count / Math.max(1, samples) }))
        .sort((a, b) => b.average - a.average);
    },
  };
}

export const describeWaits = (waits: { what: string; average: number }[], top = 5) =>
  waits
    .slice(0, top)
    .map((w) => `${w.what} ${w.average.toFixed(1)}`)
    .join(", ");
