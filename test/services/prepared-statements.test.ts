import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { columnsAs, prepareStatement, runPreparedOn, StatementShapes } from "../../src/store/prepared.ts";
import { type TaskRow, tasks } from "../../src/store/schema.ts";
import { pageTasks } from "../../src/store/task-lists.ts";
import { selectTaskView } from "../../src/store/task-views.ts";
import { findTaskByNumber, updateTask } from "../../src/store/tasks.ts";
import { inTransaction } from "../../src/store/transaction.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { newScene } from "./support/scene.ts";

const TASK = prepareStatement<{ guildId: string; number: number }>(
  "test_prepared_task",
  sql`SELECT ${columnsAs(tasks, "t")} FROM tasks t
  WHERE t.guild_id = ${sql.placeholder("guildId")}::text AND t.number = ${sql.placeholder("number")}::int`,
);

const RETITLE = prepareStatement<{ id: number; title: string }>(
  "test_prepared_retitle",
  sql`UPDATE tasks SET title = ${sql.placeholder("title")}::text WHERE id = ${sql.placeholder("id")}::int`,
);

/**
 * store/prepared.ts's runPreparedOn: a prepared statement on the database handle or inside a
 * transaction reads as drizzle's own query would, is part of the transaction, and is counted.
 */
describe.each(DRIVERS)("prepared statements (%s)", (driver) => {
  const h = useHarness(driver);

  it("read a row as drizzle reads it, on the handle and in a transaction", async () => {
    const s = await newScene(h);
    const created = await h.tasks.create(s.ctx(s.creator), { title: "Read me", labels: ["a", "b"] });
    const drizzleRow = await findTaskByNumber(h.database.db, s.guildId, created.number);
    const [row] = await runPreparedOn<TaskRow & Record<string, unknown>, { guildId: string; number: number }>(
      h.database.db,
      TASK,
      { guildId: s.guildId, number: created.number },
    );
    expect(row).toEqual(drizzleRow);
    expect(row!.createdAt).toBeInstanceOf(Date);
    const inTx = await inTransaction(h.database.db, (tx) =>
      runPreparedOn(tx, TASK, { guildId: s.guildId, number: created.number }),
    );
    expect(inTx).toEqual([drizzleRow]);
  });

  it("belongs to the transaction it runs in (rolled back with it) and is counted", async () => {
    const s = await newScene(h);
    const created = await h.tasks.create(s.ctx(s.creator), { title: "Keep my title" });
    const before = h.database.queryCount();
    await expect(
      inTransaction(h.database.db, async (tx) => {
        await runPreparedOn(tx, RETITLE, { id: created.id, title: "Changed" });
        const [seen] = await runPreparedOn<{ title: string }, { guildId: string; number: number }>(tx, TASK, {
          guildId: s.guildId,
          number: created.number,
        });
        expect(seen!.title).toBe("Changed");
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(h.database.queryCount() - before).toBeGreaterThanOrEqual(2);
    expect((await findTaskByNumber(h.database.db, s.guildId, created.number))!.title).toBe("Keep my title");
  });

  it("updateTask's per-shape statement writes what drizzle's update wrote", async () => {
    const s = await newScene(h);
    const created = await h.tasks.create(s.ctx(s.creator), { title: "Patch me" });
    const row = (await findTaskByNumber(h.database.db, s.guildId, created.number))!;
    const now = new Date("2030-01-02T03:04:05.678Z");
    const updated = await inTransaction(h.database.db, (tx) =>
      updateTask(
        tx,
        row,
        { labels: ["x", "y"], metadata: { overdue: true }, dueAt: now, assigneeId: null },
        now,
      ),
    );
    const read = await findTaskByNumber(h.database.db, s.guildId, created.number);
    expect(updated).toEqual(read);
    expect(read).toMatchObject({
      labels: ["x", "y"],
      metadata: { overdue: true },
      dueAt: now,
      updatedAt: now,
      assigneeId: null,
      version: row.version + 1,
    });
    const stale = await inTransaction(h.database.db, (tx) => updateTask(tx, row, { title: "Late" }, now));
    expect(stale).toBeUndefined();
  });
});

describe("statement shapes", () => {
  it("build each shape's text once and name each shape apart", () => {
    const shapes = new StatementShapes<{ a: number }>("test_shapes");
    let built = 0;
    const build = (n: number) => () => {
      built += 1;
      return sql`SELECT ${sql.placeholder("a")}::int + ${n}`;
    };
    const one = shapes.get("1", build(1));
    expect(shapes.get("1", build(1))).toBe(one);
    const two = shapes.get("2", build(2));
    expect(built).toBe(2);
    expect(two.name).not.toBe(one.name);
  });
});

/**
 * A list's best plan depends on its values (a small channel among a million tasks, or a big one), so
 * its statements run unnamed and are planned per call; a lookup by number stays a named statement.
 */
describe("list statements are planned with each call's values (postgres)", () => {
  const h = useHarness("postgres");

  it("leave no named statement behind after many pages, where a view by number does", async () => {
    const s = await newScene(h);
    const created = await h.tasks.create(s.ctx(s.creator), { title: "Listed" });
    const names = await inTransaction(h.database.db, async (tx) => {
      const query = { guildId: s.guildId, status: "all", channelId: s.channelId, channelIds: null } as const;
      for (let page = 0; page < 7; page += 1) {
        const { items } = await pageTasks(tx, query, page === 0 ? null : { after: created.number + 1 }, 5);
        expect(items.map((task) => task.number)).toEqual([created.number]);
      }
      await selectTaskView(tx, s.guildId, created.number);
      const rows = await tx.execute<{ name: string }>(sql`SELECT name FROM pg_prepared_statements`);
      return rows.rows.map((row) => row.name);
    });
    expect(names.filter((name) => name.startsWith("tasklane_page_tasks"))).toEqual([]);
    expect(names).toContain("tasklane_task_view");
  });
});
