import pg from "pg";
import type { Logger } from "../log.ts";

/** Arbitrary constant: held by the one instance allowed on a database without a shared cache. */
const SOLE_INSTANCE_LOCK_KEY = 7_236_120_017;
const RETAKE_INTERVAL_MS = 5_000;

export class AnotherInstanceError extends Error {
  override name = "AnotherInstanceError";
}

export interface SoleInstanceLock {
  release(): Promise<void>;
}

/**
 * Without Redis, rate limits, the queue gate and signals live in each process, so two instances on
 * one database would not see each other. A session advisory lock on a dedicated connection makes the
 * second one refuse to start. If the connection drops (database restart), the lock is taken again.
 */
export async function holdSoleInstanceLock(url: string, log: Logger): Promise<SoleInstanceLock> {
  let client = await connect(url, log);
  if (!(await tryLock(client))) {
    await client.end().catch(() => undefined);
    throw new AnotherInstanceError(
      "Another Tasklane instance is already running on this database without REDIS_URL. Set REDIS_URL on every instance (they share the cache, limits and signals through it), or set ALLOW_INSTANCES_WITHOUT_REDIS=true to run them anyway.",
    );
  }
  let released = false;
  let retake: NodeJS.Timeout | undefined;
  const watch = (current: pg.Client) => {
    current.on("end", () => {
      if (released) return;
      log.warn("lost the database connection holding the single-instance lock; taking it again");
      retake = setTimeout(again, RETAKE_INTERVAL_MS);
    });
  };
  const again = async () => {
    try {
      const next = await connect(url, log);
      if (released) return void (await next.end());
      if (!(await tryLock(next)))
        log.error("another instance took the single-instance lock while it was lost");
      client = next;
      watch(next);
    } catch {
      if (!released) retake = setTimeout(again, RETAKE_INTERVAL_MS);
    }
  };
  watch(client);
  return {
    async release() {
      released = true;
      clearTimeout(retake);
      await client.end().catch(() => undefined);
    },
  };
}

async function connect(url: string, log: Logger): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 5_000,
    application_name: "tasklane-lock",
  });
  client.on("error", (error) => log.debug({ err: error }, "single-instance lock connection failed"));
  await client.connect();
  return client;
}

async function tryLock(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [
    SOLE_INSTANCE_LOCK_KEY,
  ]);
  return rows[0]?.ok === true;
}
