import pg from "pg";

/**
 * Waits until the bot's outbox has nothing left to send now (pending rows due within the next few
 * seconds; a click's card row is due 5 s later and settled by the click itself), or `timeoutMs`.
 * Resolves with the rows still pending. CPU per kind is measured between two drained outboxes, so one
 * step's backlog is not billed to the next kind.
 */
export async function waitForOutboxDrain(url: string, timeoutMs: number): Promise<number> {
  const client = new pg.Client({ connectionString: url, application_name: "bench-outbox-drain" });
  await client.connect();
  try {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM outbox
          WHERE state = 'pending' AND next_attempt_at < now() + interval '6 seconds'`,
      );
      const pending = rows[0]?.pending ?? 0;
      if (pending === 0 || performance.now() > deadline) return pending;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await client.end();
  }
}
