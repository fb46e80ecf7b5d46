import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

const NAMESPACE = 72_361;

describe("session advisory locks (background jobs across instances, postgres)", () => {
  let testDb: TestDatabase;
  let first: Database;
  let second: Database;
  let observer: pg.Client;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    first = await openDatabase({ url: testDb.url, log: silentLogger });
    second = await openDatabase({ url: testDb.url, log: silentLogger });
    observer = new pg.Client({ connectionString: testDb.url });
    await observer.connect();
  });
  afterAll(async () => {
    await observer?.end();
    await first?.close();
    await second?.close();
    await testDb?.drop();
  });

  it("one instance runs the work, the other skips it; the holder is no idle transaction a timeout would end", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const running = first.withSessionLock(NAMESPACE, "guild-1", async () => {
      await held;
      return "ran";
    });
    // While the work runs, the lock's session sits idle outside any transaction.
    let holders: { state: string }[] = [];
    for (let tries = 0; tries < 50 && holders.length === 0; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      holders = (
        await observer.query<{ state: string }>(
          `SELECT a.state FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
           WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.granted`,
          [NAMESPACE],
        )
      ).rows;
    }
    expect(holders).toEqual([{ state: "idle" }]);
    expect(await second.withSessionLock(NAMESPACE, "guild-1", async () => "ran too")).toBeUndefined();
    expect(await second.withSessionLock(NAMESPACE, "guild-2", async () => "other guild")).toBe("other guild");
    release();
    expect(await running).toBe("ran");
    // Released: the next pass, on any instance, takes it.
    expect(await second.withSessionLock(NAMESPACE, "guild-1", async () => "next pass")).toBe("next pass");
  });
});
