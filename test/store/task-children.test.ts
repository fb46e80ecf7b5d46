import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { insertBareTask, migratedDatabaseDrivers } from "../support/blank-databases.ts";
import { createTestDatabase } from "../support/test-db.ts";

// task_events, task_attempts and outbox have no foreign key to tasks (migration 0017): a deleted task
// still takes its rows along, also rows written while it is being deleted.

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const eventRow = (taskId: number) =>
  sql`INSERT INTO task_events (task_id, guild_id, actor_id, kind, source) VALUES (${taskId}, '1', '3', 'commented', 'slash')`;

async function addChildren(database: Database, taskId: number): Promise<void> {
  await database.db.execute(eventRow(taskId));
  await database.db.execute(sql`
    INSERT INTO task_attempts (task_id, attempt, assignee_id, started_at) VALUES (${taskId}, 1, '4', now())`);
  await database.db.execute(sql`
    INSERT INTO outbox (guild_id, channel_id, task_id, kind, nonce) VALUES ('1', '2', ${taskId}, 'card', ${`n${taskId}`})`);
}

async function childCounts(database: Database): Promise<Record<string, number>> {
  const rows = await database.db.execute<Record<string, number>>(sql`SELECT
    (SELECT count(*)::int FROM task_events) AS events,
    (SELECT count(*)::int FROM task_attempts) AS attempts,
    (SELECT count(*)::int FROM outbox WHERE task_id IS NOT NULL) AS outbox,
    (SELECT count(*)::int FROM outbox WHERE task_id IS NULL) AS "outboxWithoutTask",
    (SELECT count(*)::int FROM task_events e WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = e.task_id))
      + (SELECT count(*)::int FROM task_attempts a WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = a.task_id))
      + (SELECT count(*)::int FROM outbox o WHERE o.task_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = o.task_id)) AS orphans`);
  const row = rows.rows[0]!;
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]));
}

describe.each(migratedDatabaseDrivers(cleanups))(
  "a task's events, attempts and outbox rows on $driver",
  ({ open }) => {
    it("are deleted with it, and only its own", async () => {
      const database = await open();
      const [first, second, third] = [
        await insertBareTask(database, 1),
        await insertBareTask(database, 2),
        await insertBareTask(database, 3),
      ];
      for (const id of [first, second, third]) await addChildren(database, id);
      await database.db.execute(
        sql`INSERT INTO outbox (guild_id, channel_id, kind, nonce) VALUES ('1', '2', 'announcement', 'a1')`,
      );
      await database.db.execute(sql`DELETE FROM tasks WHERE id = ${first}`);
      expect(await childCounts(database)).toEqual({
        events: 2,
        attempts: 2,
        outbox: 2,
        outboxWithoutTask: 1,
        orphans: 0,
      });
      await database.db.execute(sql`DELETE FROM tasks WHERE id IN (${second}, ${third})`);
      expect(await childCounts(database)).toEqual({
        events: 0,
        attempts: 0,
        outbox: 0,
        outboxWithoutTask: 1,
        orphans: 0,
      });
    });

    it("are emptied by a TRUNCATE of tasks (the rows of no task stay)", async () => {
      const database = await open();
      await addChildren(database, await insertBareTask(database, 1));
      await database.db.execute(
        sql`INSERT INTO outbox (guild_id, channel_id, kind, nonce) VALUES ('1', '2', 'announcement', 'a1')`,
      );
      await database.db.execute(sql`TRUNCATE tasks CASCADE`);
      expect(await childCounts(database)).toEqual({
        events: 0,
        attempts: 0,
        outbox: 0,
        outboxWithoutTask: 1,
        orphans: 0,
      });
    });
  },
);

describe("a task deleted while a row for it is being written (postgres server)", () => {
  it("waits for the writer and deletes its row too: none outlives the task", async () => {
    const test = await createTestDatabase();
    const database = await openDatabase({ url: test.url, log: silentLogger });
    cleanups.push(test.drop, () => database.close());
    const taskId = await insertBareTask(database, 1);
    const writer = new pg.Client({ connectionString: test.url });
    const deleter = new pg.Client({ connectionString: test.url });
    await Promise.all([writer.connect(), deleter.connect()]);
    cleanups.push(
      () => writer.end(),
      () => deleter.end(),
    );
    await writer.query("BEGIN");
    await writer.query(
      "INSERT INTO task_events (task_id, guild_id, actor_id, kind, source) VALUES ($1, '1', '3', 'commented', 'slash')",
      [taskId],
    );
    let deleted = false;
    const deletion = deleter.query("DELETE FROM tasks WHERE id = $1", [taskId]).then(() => {
      deleted = true;
    });
    // The delete is waiting for the writer's transaction (it holds the lock the trigger asks for).
    for (let i = 0; i < 200; i += 1) {
      const waiting = await database.db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
      );
      if (Number(waiting.rows[0]!.n) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(deleted).toBe(false);
    await writer.query("COMMIT");
    await deletion;
    expect(await childCounts(database)).toEqual({
      events: 0,
      attempts: 0,
      outbox: 0,
      outboxWithoutTask: 0,
      orphans: 0,
    });
  });
});
