import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.ts";
import { claimNextCombined } from "../../src/store/claim-batch.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { runMigrations } from "../../src/store/migrate.ts";
import { prepareStatement, runPrepared, runPreparedOn } from "../../src/store/prepared.ts";
import { claimNextAlone } from "../../src/store/queue.ts";
import { inTransaction } from "../../src/store/transaction.ts";
import { createTestDatabase } from "../support/test-db.ts";

// Named statements run on their own (Database.run) are planned once per session for any values
// (plan_cache_mode = force_generic_plan on those sessions, store/database.ts); unnamed statements and
// drizzle's own statements keep the default, so a list page is still planned with its values.

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const PLAN_MODE = prepareStatement<Record<string, never>>(
  "test_generic_plan_mode",
  sql`SELECT current_setting('plan_cache_mode') AS mode`,
);
const PLANS = prepareStatement<{ name: string }>(
  "test_generic_plan_counts",
  sql`SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements
    WHERE name = ${sql.placeholder("name")}::text`,
);
const UNNAMED_MODE = { ...PLAN_MODE, name: "" };

async function seedQueue(database: Database, count: number): Promise<void> {
  await database.db.execute(sql`
    INSERT INTO tasks (guild_id, channel_id, number, title, created_by)
    SELECT '1', '2', i, 'queued ' || i, '3' FROM generate_series(1, ${count}) AS i`);
}

const claimQuery = (userId: string) => ({
  guildId: "1",
  channelId: "2",
  userId,
  wantLabels: [],
  now: new Date(),
  source: "slash",
  cardDueAt: new Date(),
  defaultLeaseMinutes: 30,
});

describe("named statements on a Postgres server", () => {
  it("run under force_generic_plan; unnamed and drizzle's statements under auto", async () => {
    const blank = await createTestDatabase();
    const database = await openDatabase({ url: blank.url, log: silentLogger, poolMax: 1 });
    cleanups.push(blank.drop, () => database.close());
    const [named] = await runPrepared<{ mode: string }, Record<string, never>>(database, PLAN_MODE, {});
    expect(named!.mode).toBe("force_generic_plan");
    const [unnamed] = await runPrepared<{ mode: string }, Record<string, never>>(database, UNNAMED_MODE, {});
    expect(unnamed!.mode).toBe("auto");
    const drizzle = await database.db.execute<{ mode: string }>(
      sql`SELECT current_setting('plan_cache_mode') AS mode`,
    );
    expect(drizzle.rows[0]!.mode).toBe("auto");
    // runPreparedOn: on the handle as Database.run; in a transaction, in the transaction's session.
    const before = database.queryCount();
    const [onHandle] = await runPreparedOn<{ mode: string }, Record<string, never>>(
      database.db,
      PLAN_MODE,
      {},
    );
    expect(onHandle!.mode).toBe("force_generic_plan");
    expect(database.queryCount()).toBe(before + 1);
    const inTx = await inTransaction(database.db, (tx) =>
      runPreparedOn<{ mode: string }, Record<string, never>>(tx, PLAN_MODE, {}),
    );
    expect(inTx[0]!.mode).toBe("auto");
  });

  it("start no parallel workers on either pool (a search window's parts are read in turn)", async () => {
    const blank = await createTestDatabase();
    const database = await openDatabase({ url: blank.url, log: silentLogger, poolMax: 2 });
    cleanups.push(blank.drop, () => database.close());
    const workers = prepareStatement<Record<string, never>>(
      "test_parallel_workers",
      sql`SELECT current_setting('max_parallel_workers_per_gather') AS workers`,
    );
    const [named] = await runPrepared<{ workers: string }, Record<string, never>>(database, workers, {});
    const [unnamed] = await runPrepared<{ workers: string }, Record<string, never>>(
      database,
      { ...workers, name: "" },
      {},
    );
    const drizzle = await database.db.execute<{ workers: string }>(
      sql`SELECT current_setting('max_parallel_workers_per_gather') AS workers`,
    );
    expect([named!.workers, unnamed!.workers, drizzle.rows[0]!.workers]).toEqual(["0", "0", "0"]);
  });

  it("plan the claim once for any values: no custom plan in its session, claims still exact", async () => {
    const blank = await createTestDatabase();
    const database = await openDatabase({ url: blank.url, log: silentLogger, poolMax: 1 });
    cleanups.push(blank.drop, () => database.close());
    await seedQueue(database, 8);
    const claimed: number[] = [];
    for (let i = 0; i < 8; i++) {
      const claim = await claimNextAlone(database, claimQuery(`user${i % 3}`), "skip");
      expect(claim.outcome).toBe("claimed");
      if (claim.outcome === "claimed") claimed.push(claim.task.number);
    }
    expect(claimed).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await claimNextAlone(database, claimQuery("user0"), "skip")).outcome).toBe("none");
    const [plans] = await runPrepared<{ generic: number; custom: number }, { name: string }>(
      database,
      PLANS,
      {
        name: "tasklane_claim_next_skip",
      },
    );
    expect(plans).toEqual({ generic: 9, custom: 0 });
  });

  it("plan the combined claim once for any values too: concurrent callers share it, each task claimed once, in queue order", async () => {
    const blank = await createTestDatabase();
    const database = await openDatabase({ url: blank.url, log: silentLogger, poolMax: 1 });
    cleanups.push(blank.drop, () => database.close());
    await seedQueue(database, 30);
    const claims = await Promise.all(
      Array.from({ length: 30 }, (_, i) => claimNextCombined(database, claimQuery(`user${i}`))),
    );
    const numbers = claims.map((claim) => (claim.outcome === "claimed" ? claim.task.number : null));
    expect([...numbers].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const [plans] = await runPrepared<{ generic: number; custom: number }, { name: string }>(
      database,
      PLANS,
      { name: "tasklane_claim_next_batch" },
    );
    expect(plans!.generic).toBeGreaterThan(0);
    expect(plans!.custom).toBe(0);
  });
});

describe("the two pools of a Postgres server's handle", () => {
  it("hold no more connections than poolMax in all, and keep the URL's own session options", async () => {
    const blank = await createTestDatabase();
    const url = new URL(blank.url);
    url.searchParams.set("options", "-c work_mem=7MB");
    const database = await openDatabase({ url: url.toString(), log: silentLogger, poolMax: 4 });
    cleanups.push(blank.drop, () => database.close());
    const WORK_MEM = prepareStatement<Record<string, never>>(
      "test_generic_work_mem",
      sql`SELECT current_setting('work_mem') AS work_mem, current_setting('plan_cache_mode') AS mode`,
    );
    const [named] = await runPrepared<{ work_mem: string; mode: string }, Record<string, never>>(
      database,
      WORK_MEM,
      {},
    );
    expect(named).toEqual({ work_mem: "7MB", mode: "force_generic_plan" });
    // Both pools busy at once, each asked for more than it may open.
    const SLEEP = prepareStatement<Record<string, never>>("test_generic_sleep", sql`SELECT pg_sleep(0.2)`);
    await Promise.all([
      ...Array.from({ length: 6 }, () => runPrepared(database, SLEEP, {})),
      ...Array.from({ length: 6 }, () => database.db.execute(sql`SELECT pg_sleep(0.2)`)),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const seen = await database.db.execute<{ sessions: number }>(sql`
          SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE datname = current_database()`);
        expect(seen.rows[0]!.sessions).toBe(4);
      })(),
    ]);
  });
});

describe("named statements on PGlite", () => {
  it("run as before (one session, no plan cache settings)", async () => {
    const database = await openDatabase({ dataDir: "memory://", log: silentLogger });
    cleanups.push(() => database.close());
    await runMigrations(database);
    await seedQueue(database, 2);
    const first = await claimNextAlone(database, claimQuery("user0"), "skip");
    const second = await claimNextAlone(database, claimQuery("user1"), "skip");
    expect([first, second].map((claim) => (claim.outcome === "claimed" ? claim.task.number : null))).toEqual([
      1, 2,
    ]);
    expect((await claimNextAlone(database, claimQuery("user0"), "skip")).outcome).toBe("none");
  });
});
