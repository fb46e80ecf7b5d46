import type { Cache } from "../cache/types.ts";
import type { HealthService } from "../services/contracts.ts";
import type { HealthReport } from "./server.ts";

export interface HealthSources {
  health: HealthService;
  cache: Cache;
  gatewayReady: () => boolean;
}

/**
 * Only the database decides: the bot serves every command from Postgres while Redis is away, and
 * restarting it brings back neither Redis nor Discord, so those two are reported, never fatal.
 */
export async function checkHealth({ health, cache, gatewayReady }: HealthSources): Promise<HealthReport> {
  const database = await health.database();
  const databaseOk = database.ok;
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
