import { afterAll, beforeAll, expect, it } from "vitest";
import { createRedisCache } from "../../src/cache/redis-cache.ts";
import type { Cache } from "../../src/cache/types.ts";
import { silentLogger } from "../../src/log.ts";
import type { SettingsService, TaskService } from "../../src/services/contracts.ts";
import { createSettingsService } from "../../src/services/settings/index.ts";
import { createTaskService } from "../../src/services/tasks/index.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { createTestDatabase, testRedisUrl, uniqueRedisPrefix } from "../support/test-db.ts";
import { newScene } from "./support/scene.ts";

/** Two instances: one database, one Redis, each its own cache connection (and its own settings copies). */
interface Instance {
  cache: Cache;
  settings: SettingsService;
  tasks: TaskService;
}

let database: Database;
let drop: () => Promise<void>;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  const testDb = await createTestDatabase();
  drop = testDb.drop;
  database = await openDatabase({ url: testDb.url, log: silentLogger, poolMax: 4 });
  const keyPrefix = uniqueRedisPrefix();
  const instance = async (): Promise<Instance> => {
    const cache = await createRedisCache({ url: testRedisUrl(), keyPrefix, log: silentLogger });
    const deps = { database, cache, log: silentLogger };
    return { cache, settings: createSettingsService(deps), tasks: createTaskService(deps) };
  };
  [a, b] = [await instance(), await instance()];
});
afterAll(async () => {
  await a?.cache.close();
  await b?.cache.close();
  await database?.close();
  await drop?.();
});

it("a settings change on one instance reaches the other's own copy: its next create is refused by the new limit", async () => {
  const s = await newScene({ settings: a.settings } as Parameters<typeof newScene>[0]);
  // B reads (and keeps) the channel's settings: no limit yet.
  expect((await b.settings.get(s.guildId, s.channelId)).queueLimit).toBeNull();
  await b.tasks.create(s.ctx(s.creator), { title: "First" });
  await a.settings.update(s.ctx(s.admin), { queueLimit: 1, requireReview: false });
  await expect
    .poll(async () => (await b.settings.get(s.guildId, s.channelId)).queueLimit, { timeout: 2_000 })
    .toBe(1);
  expect((await b.settings.get(s.guildId, s.channelId)).requireReview).toBe(false);
  await expect(b.tasks.create(s.ctx(s.creator), { title: "Second" })).rejects.toThrow(/limit|full/i);
});
