import { createCache } from "../../src/cache/create-cache.ts";
import type { Cache } from "../../src/cache/types.ts";
import { type Logger, silentLogger } from "../../src/log.ts";
import { actorEverywhere } from "../../src/services/actors.ts";
import type { ActionContext, SettingsService, TaskService } from "../../src/services/contracts.ts";
import { createSettingsService } from "../../src/services/settings/index.ts";
import { createTaskService } from "../../src/services/tasks/index.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { PATIENT_TIMEOUTS } from "../cache/patient-timeouts.ts";
import { createTestDatabase, type TestDatabase, uniqueRedisPrefix } from "../support/test-db.ts";
import { useInSuite } from "../support/use-in-suite.ts";

export const GUILD = "100000000000000001";
export const ADMIN = "300000000000000001";
let channelSeq = 0;

/** A fresh channel id, so tests in one file never share a queue. */
export function newChannel(): string {
  channelSeq += 1;
  return `2000000000000${String(channelSeq).padStart(5, "0")}`;
}

export function userId(n: number): string {
  return `4000000000000${String(n).padStart(5, "0")}`;
}

export function ctxFor(channelId: string, user = ADMIN, admin = user === ADMIN): ActionContext {
  return {
    guildId: GUILD,
    channelId,
    actor: actorEverywhere({ userId: user, permissions: admin ? ["manage_guild", "manage_channels"] : [] }),
    source: "slash",
  };
}

/** One bot instance: its own pool, its own cache connection, its own services. */
export interface Instance {
  database: Database;
  cache: Cache;
  tasks: TaskService;
  settings: SettingsService;
}

export interface World {
  testDb: TestDatabase;
  instances: Instance[];
  /** Redis key prefix all instances share. */
  prefix: string;
  close(): Promise<void>;
}

type WorldOptions = Parameters<typeof openWorld>[0];

/** The world for the enclosing suite: opened in beforeAll, closed in afterAll. */
export function useWorld(options: WorldOptions): World {
  return useInSuite(
    "the world",
    () => openWorld(options),
    (world) => world.close(),
  );
}

/** `count` instances sharing one Postgres database and one Redis (or each its own memory cache). */
export async function openWorld(options: {
  redisUrl?: string;
  count?: number;
  /** One logger per instance (else silent). */
  logs?: Logger[];
  viewTtlSeconds?: number;
}): Promise<World> {
  const testDb = await createTestDatabase();
  const prefix = uniqueRedisPrefix();
  const instances: Instance[] = [];
  for (let i = 0; i < (options.count ?? 2); i += 1) {
    const log = options.logs?.[i] ?? silentLogger;
    const database = await openDatabase({ url: testDb.url, log, poolMax: 30 });
    const cache = await createCache({
      redisUrl: options.redisUrl,
      keyPrefix: prefix,
      log,
      timeouts: PATIENT_TIMEOUTS,
    });
    const deps = { database, cache, log, viewTtlSeconds: options.viewTtlSeconds };
    instances.push({
      database,
      cache,
      tasks: createTaskService(deps),
      settings: createSettingsService(deps),
    });
  }
  return {
    testDb,
    instances,
    prefix,
    async close() {
      for (const instance of instances) {
        await instance.cache.close();
        await instance.database.close();
      }
      await testDb.drop();
    },
  };
}
