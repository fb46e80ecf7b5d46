import { type SQL, sql } from "drizzle-orm";
import { createMemoryCache } from "../../../src/cache/memory-cache.ts";
import { createRedisCache } from "../../../src/cache/redis-cache.ts";
import type { Cache } from "../../../src/cache/types.ts";
import { silentLogger } from "../../../src/log.ts";
import { createAgentService } from "../../../src/services/agents/index.ts";
import type {
  AgentService,
  ServiceDeps,
  SettingsService,
  TaskService,
} from "../../../src/services/contracts.ts";
import { createSettingsService } from "../../../src/services/settings/index.ts";
import { createTaskService } from "../../../src/services/tasks/index.ts";
import { type Database, openDatabase } from "../../../src/store/database.ts";
import { runMigrations } from "../../../src/store/migrate.ts";
import { queryRows } from "../../../src/store/raw.ts";
import { createTestDatabase, testRedisUrl, uniqueRedisPrefix } from "../../support/test-db.ts";
import { useInSuite } from "../../support/use-in-suite.ts";

/** The same service suite runs on a real Postgres server (with Redis) and on embedded PGlite (in-process cache). */
export type Driver = "postgres" | "pglite";
export const DRIVERS: Driver[] = ["postgres", "pglite"];

export interface Harness {
  driver: Driver;
  database: Database;
  cache: Cache;
  tasks: TaskService;
  settings: SettingsService;
  agents: AgentService;
  clock: Clock;
  rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]>;
  /** `count` more task services over the same database (and cache, unless given): separate bot instances. */
  instances(count: number, cache?: Cache): TaskService[];
  /** Row counts of every table a service writes: "nothing written" is an unchanged snapshot. */
  snapshot(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** Real time plus an offset the test can move forward (leases, backoff). */
export interface Clock {
  now(): Date;
  advance(ms: number): void;
}

export interface HarnessOptions {
  poolMax?: number;
  retry?: ServiceDeps["retry"];
  random?: () => number;
}

export async function openHarness(driver: Driver, options: HarnessOptions = {}): Promise<Harness> {
  let database: Database;
  let cache: Cache;
  let drop = async () => {};
  if (driver === "postgres") {
    const testDb = await createTestDatabase();
    drop = testDb.drop;
    database = await openDatabase({ url: testDb.url, log: silentLogger, poolMax: options.poolMax ?? 10 });
    cache = await createRedisCache({
      url: testRedisUrl(),
      keyPrefix: uniqueRedisPrefix(),
      log: silentLogger,
    });
  } else {
    database = await openDatabase({ dataDir: "memory://", log: silentLogger });
    await runMigrations(database);
    cache = createMemoryCache({ log: silentLogger });
  }
  let offset = 0;
  const clock: Clock = {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
  };
  const deps: ServiceDeps = {
    database,
    cache,
    log: silentLogger,
    now: clock.now,
    retry: options.retry,
    random: options.random,
  };
  const rows = <T extends Record<string, unknown>>(query: SQL) => queryRows<T>(database.db, query);
  return {
    driver,
    database,
    cache,
    tasks: createTaskService(deps),
    instances: (count, other) =>
      Array.from({ length: count }, () => createTaskService({ ...deps, cache: other ?? cache })),
    settings: createSettingsService(deps),
    agents: createAgentService(deps),
    clock,
    rows,
    snapshot: async () => {
      const [counts] = await rows<Record<string, number>>(sql`SELECT
        (SELECT count(*)::int FROM tasks) AS tasks,
        (SELECT count(*)::int FROM task_events) AS task_events,
        (SELECT count(*)::int FROM task_reviews) AS task_reviews,
        (SELECT count(*)::int FROM task_dependencies) AS task_dependencies,
        (SELECT count(*)::int FROM outbox) AS outbox,
        (SELECT count(*)::int FROM task_threads) AS task_threads,
        (SELECT coalesce(sum(last_number), 0)::int FROM guild_counters) AS numbers_handed_out,
        (SELECT count(*)::int FROM channel_settings) AS channel_settings,
        (SELECT count(*)::int FROM agents) AS agents,
        (SELECT count(*)::int FROM task_reminders) AS task_reminders,
        (SELECT count(*)::int FROM guild_settings) AS guild_settings,
        (SELECT coalesce(sum(version), 0)::int FROM tasks) AS task_versions`);
      return counts!;
    },
    close: async () => {
      await cache.close();
      await database.close();
      await drop();
    },
  };
}

/** Opens `connections` pool connections up front, as a running bot's pool would have them. */
export async function warmPool(h: Harness, connections: number): Promise<void> {
  await Promise.all(Array.from({ length: connections }, () => h.rows(sql`SELECT pg_sleep(0.05)`)));
}

/** A harness for the enclosing suite: opened in beforeAll, closed in afterAll. */
export function useHarness(driver: Driver, options: HarnessOptions = {}): Harness {
  return useInSuite(
    "the harness",
    () => openHarness(driver, options),
    (harness) => harness.close(),
  );
}
