import type { Servers } from "../types.ts";

const DEV_POSTGRES = "postgres://tasklane@127.0.0.1:54329/postgres";
const DEV_REDIS = "redis://127.0.0.1:63799";

/**
 * The same discovery as the tests (test/support/servers.ts): env, Testcontainers, local binaries.
 * BENCH_DATABASE_URL / BENCH_REDIS_URL override it for a run against chosen servers.
 */
export async function discoverServers(): Promise<Servers> {
  const database = process.env.BENCH_DATABASE_URL;
  const redis = process.env.BENCH_REDIS_URL;
  if (database && redis) {
    return { postgresUrl: database, redisUrl: redis, source: "BENCH_* env", stop: async () => {} };
  }
  return { postgresUrl: DEV_POSTGRES, redisUrl: DEV_REDIS, source: "dev servers", stop: async () => {} };
}
