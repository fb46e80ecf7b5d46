import { createCache } from "../../src/cache/create-cache.ts";
import type { Cache } from "../../src/cache/types.ts";
import { silentLogger } from "../../src/log.ts";
import { actorEverywhere, type PlainActor } from "../../src/services/actors.ts";
import type { ActionContext, Actor, TaskService } from "../../src/services/contracts.ts";
import { createTaskService } from "../../src/services/tasks/index.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import type { BenchContext } from "../types.ts";
import { type BenchDatabase, createBenchDatabase } from "./databases.ts";

/** The task engine as the bot builds it: a pg pool and the Redis cache, on a database of its own. */
export interface ServiceHarness {
  service: TaskService;
  cache: Cache;
  database: Database;
  benchDatabase: BenchDatabase;
  close(): Promise<void>;
}

export async function openServiceHarness(
  context: BenchContext,
  name: string,
  options: { database?: BenchDatabase; poolMax?: number } = {},
): Promise<ServiceHarness> {
  const benchDatabase =
    options.database ??
    (await createBenchDatabase(context.servers.postgresUrl, `bench_${context.runId}_${name}`, {
      migrate: true,
    }));
  const database = await openDatabase({
    url: benchDatabase.url,
    log: silentLogger,
    poolMax: options.poolMax ?? 40,
  });
  const cache = await createCache({
    redisUrl: context.servers.redisUrl,
    keyPrefix: `bench:${context.runId}:${name}:`,
    log: silentLogger,
  });
  const service = createTaskService({ database, cache, log: silentLogger });
  return {
    service,
    cache,
    database,
    benchDatabase,
    close: async () => {
      await cache.close();
      await database.close();
      await benchDatabase.drop();
    },
  };
}

export const member = (userId: string, extra: Omit<PlainActor, "userId"> = {}): Actor =>
  actorEverywhere({ userId, ...extra });

export const reviewer = (userId: string): Actor => member(userId, { permissions: ["manage_channels"] });

export const agent = (userId: string): Actor => member(userId, { isBot: true });

export function actionContext(
  guildId: string,
  channelId: string,
  actor: Actor,
  source: ActionContext["source"] = "slash",
): ActionContext {
  return { guildId, channelId, actor, source };
}
