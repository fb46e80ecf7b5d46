import { sql } from "drizzle-orm";
import type { Cache } from "../cache/types.ts";
import type { Database } from "../store/database.ts";
import type { HealthReport } from "./server.ts";

export interface HealthSources {
  database: Database;
  cache: Cache;
  gatewayReady: () => boolean;
}

/**
 * Only the database decides: the bot serves every command from Postgres while Redis is away, and
 * restarting it brings back neither Redis nor Discord, so those two are reported, never fatal.
 */
export async function checkHealth({ database, cache, gatewayReady }: HealthSources): Promise<HealthReport> {
  const databaseOk = await database.db
    .execute(sql`select 1`)
    .then(() => true)
    .catch(() => false);
  const cacheOk = cache.metrics().available;
  const ready = gatewayReady();
  return {
    ok: databaseOk,
    checks: {
      database: { ok: databaseOk, detail: database.kind },
      cache: {
        ok: cacheOk,
        detail: cacheOk ? cache.kind : `${cache.kind} unavailable, serving from Postgres`,
      },
      discord: { ok: ready, detail: ready ? "gateway ready" : "gateway not ready" },
    },
  };
}
