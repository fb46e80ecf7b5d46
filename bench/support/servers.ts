import { providePostgres, provideRedis } from "../../test/support/servers.ts";
import type { Servers } from "../types.ts";

/**
 * The same discovery as the tests (test/support/servers.ts): TEST_DATABASE_URL / TEST_REDIS_URL,
 * else Testcontainers, else local binaries on free ports (those run with durability off; the
 * header prints the settings). BENCH_DATABASE_URL / BENCH_REDIS_URL take precedence.
 */
export async function discoverServers(): Promise<Servers> {
  const benchDatabase = process.env.BENCH_DATABASE_URL?.trim();
  const benchRedis = process.env.BENCH_REDIS_URL?.trim();
  if (benchDatabase) process.env.TEST_DATABASE_URL = benchDatabase;
  if (benchRedis) process.env.TEST_REDIS_URL = benchRedis;
  const [postgres, redis] = await Promise.all([providePostgres(), provideRedis()]);
  return {
    postgresUrl: postgres.url,
    redisUrl: redis.url,
    source: `Postgres ${postgres.source} (${postgres.address}), Redis ${redis.source} (${redis.address})`,
    stop: async () => {
      await Promise.allSettled([postgres.stop(), redis.stop()]);
    },
  };
}
