import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCache } from "../../src/cache/create-cache.ts";
import type { Cache } from "../../src/cache/types.ts";
import { startGateDriftCheck } from "../../src/jobs/gate-drift-job.ts";
import { silentLogger } from "../../src/log.ts";
import { checkGateDrift, rebuildGateCounter } from "../../src/services/gate/gate-drift.ts";
import { createGateService } from "../../src/services/gate/index.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { channelSettings, tasks } from "../../src/store/schema.ts";
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
} from "../support/test-db.ts";
import { captureLog } from "./captured-log.ts";
import { PATIENT_TIMEOUTS } from "./patient-timeouts.ts";

const GUILD = "100000000000000001";
let channelSeq = 0;
let numberSeq = 0;

describe.each([
  ["memory", () => createCache({ log: silentLogger })],
  [
    "redis",
    () =>
      createCache({
        redisUrl: testRedisUrl(),
        keyPrefix: uniqueRedisPrefix(),
        log: silentLogger,
        timeouts: PATIENT_TIMEOUTS,
      }),
  ],
])("gate drift check (%s)", (_kind, makeCache) => {
  let testDb: TestDatabase;
  let database: Database;
  let cache: Cache;

  /** A channel with a queue limit, `live` live tasks and `finished` terminal ones. */
  const channelWith = async (live: number, finished: number, queueLimit: number | null = 10) => {
    channelSeq += 1;
    const channelId = `2000000000000000${String(channelSeq).padStart(2, "0")}`;
    await database.db.insert(channelSettings).values({ channelId, guildId: GUILD, queueLimit });
    const statuses = [
      ...Array.from(
        { length: live },
        (_, i) => (["open", "in_progress", "in_review", "blocked"] as const)[i % 4]!,
      ),
      ...Array.from({ length: finished }, (_, i) => (["done", "cancelled", "failed"] as const)[i % 3]!),
    ];
    for (const status of statuses) {
      numberSeq += 1;
      await database.db.insert(tasks).values({
        guildId: GUILD,
        channelId,
        number: numberSeq,
        title: `task ${numberSeq}`,
        createdBy: "1",
        status,
      });
    }
    return channelId;
  };

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = await openDatabase({ url: testDb.url, log: silentLogger });
    cache = await makeCache();
  });
  afterAll(async () => {
    await cache.close();
    await database.close();
    await testDb.drop();
  });
  afterEach(async () => {
    await database.db.delete(tasks);
    await database.db.delete(channelSettings);
  });

  it("finds a counter that disagrees with Postgres and repairs it", async () => {
    const channelId = await channelWith(4, 2);
    await cache.gate.seed(channelId, 0);
    expect(await checkGateDrift(database, cache.gate)).toEqual([
      { channelId, counter: 0, live: 4, repaired: true },
    ]);
    expect(await cache.gate.peek(channelId)).toBe(4);
    expect(await checkGateDrift(database, cache.gate)).toEqual([]);
  });

  it("only reports when told not to repair", async () => {
    const channelId = await channelWith(3, 0);
    await cache.gate.seed(channelId, 7);
    expect(await checkGateDrift(database, cache.gate, { repair: false })).toEqual([
      { channelId, counter: 7, live: 3, repaired: false },
    ]);
    expect(await cache.gate.peek(channelId)).toBe(7);
  });

  it("leaves absent counters to the next create unless asked to rebuild them", async () => {
    const channelId = await channelWith(2, 1);
    expect(await checkGateDrift(database, cache.gate)).toEqual([]);
    expect(await cache.gate.peek(channelId)).toBeUndefined();
    expect(await checkGateDrift(database, cache.gate, { rebuildMissing: true })).toEqual([
      { channelId, counter: undefined, live: 2, repaired: true },
    ]);
    expect(await cache.gate.peek(channelId)).toBe(2);
  });

  it("checks channels without a limit only when named", async () => {
    const unlimited = await channelWith(5, 0, null);
    await cache.gate.seed(unlimited, 1);
    expect(await checkGateDrift(database, cache.gate)).toEqual([]);
    expect(await checkGateDrift(database, cache.gate, { channelIds: [unlimited] })).toEqual([
      { channelId: unlimited, counter: 1, live: 5, repaired: true },
    ]);
  });

  it("rebuilds one counter from Postgres", async () => {
    const channelId = await channelWith(6, 3);
    expect(await rebuildGateCounter(database, cache.gate, channelId)).toBe(6);
    expect(await cache.gate.reserve(channelId, 7)).toEqual({ kind: "reserved" });
    expect(await cache.gate.reserve(channelId, 7)).toEqual({ kind: "refused", count: 7, limit: 7 });
  });

  it("a background check repairs a drifted counter by itself and says so once", async () => {
    const channelId = await channelWith(3, 1);
    await cache.gate.seed(channelId, 9);
    const { log, lines } = captureLog();
    const job = startGateDriftCheck({ gate: createGateService({ database, cache }), log, intervalMs: 50 });
    try {
      await expect.poll(() => cache.gate.peek(channelId)).toBe(3);
    } finally {
      await job.stop();
    }
    expect(
      lines.filter((line) => line.level === 40).map((line) => [line.msg, line.channelId, line.counter]),
    ).toEqual([["queue gate counter disagreed with Postgres; repaired", channelId, 9]]);
  });

  it("a herd of rebuilds for one channel costs at most two, and each sees the tasks committed before it asked", async () => {
    const channelId = await channelWith(2, 0);
    const before = database.queryCount();
    await rebuildGateCounter(database, cache.gate, channelId);
    const perRebuild = database.queryCount() - before;

    const herd = Array.from({ length: 50 }, () => rebuildGateCounter(database, cache.gate, channelId));
    await database.db
      .insert(tasks)
      .values({ guildId: GUILD, channelId, number: 9_999, title: "late", createdBy: "1" });
    const late = rebuildGateCounter(database, cache.gate, channelId);
    const counts = await Promise.all([...herd, late]);
    expect(counts.at(-1)).toBe(3);
    expect(database.queryCount() - before - perRebuild).toBeLessThanOrEqual(2 * perRebuild + 1);
    expect(await cache.gate.peek(channelId)).toBe(3);
  });
});
