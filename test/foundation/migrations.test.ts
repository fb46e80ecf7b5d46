import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/store/database.ts";
import { runMigrations } from "../../src/store/migrate.ts";
import { blankDatabaseDrivers } from "../support/blank-databases.ts";

const expectedTables = [
  "agents",
  "channel_settings",
  "guild_counters",
  "guild_settings",
  "handled_events",
  "outbox",
  "task_attempts",
  "task_dependencies",
  "task_events",
  "task_labels",
  "task_messages",
  "task_reminders",
  "task_reviews",
  "task_search",
  "task_threads",
  "tasks",
];

async function publicTables(database: Database): Promise<string[]> {
  const result = await database.db.execute<{ table_name: string }>(
    sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return result.rows.map((row) => row.table_name);
}

/** The name of the constraint the database reported (drizzle wraps the driver's error as its cause). */
async function violatedConstraint(query: Promise<unknown>): Promise<string | undefined> {
  try {
    await query;
  } catch (error) {
    const cause = (error as { cause?: { constraint?: string } }).cause;
    return cause?.constraint ?? (error as { constraint?: string }).constraint;
  }
  return undefined;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe.each(blankDatabaseDrivers(cleanups))("migrations on $driver", ({ open }) => {
  it("create every table of the data model, and applying them twice is a no-op", async () => {
    const { database, url } = await open();
    await runMigrations(database, url);
    expect(await publicTables(database)).toEqual(expectedTables);

    const applied = await database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`,
    );
    await runMigrations(database, url);
    const again = await database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`,
    );
    expect(again.rows[0]!.n).toBe(applied.rows[0]!.n);
    expect(await publicTables(database)).toEqual(expectedTables);
  });

  it("let the database itself refuse an invalid status, priority and over-long title", async () => {
    const { database, url } = await open();
    await runMigrations(database, url);
    const insert = (title: string, status: string, priority: string) =>
      database.db.execute(sql`
        INSERT INTO tasks (guild_id, channel_id, number, title, status, priority, created_by)
        VALUES ('1', '2', 1, ${title}, ${status}, ${priority}, '3')`);

    expect(await violatedConstraint(insert("ok", "finished", "medium"))).toBe("tasks_status_check");
    expect(await violatedConstraint(insert("ok", "open", "urgent"))).toBe("tasks_priority_check");
    expect(await violatedConstraint(insert("x".repeat(201), "open", "medium"))).toBe(
      "tasks_title_length_check",
    );
    expect(await violatedConstraint(insert("", "open", "medium"))).toBe("tasks_title_length_check");

    await insert("A valid task", "open", "high");
    const rows = await database.db.execute<{ title: string; priority_rank: number }>(
      sql`SELECT title, priority_rank FROM tasks`,
    );
    expect(rows.rows).toEqual([{ title: "A valid task", priority_rank: 1 }]);
  });

  it("index title, description and labels for full-text search", async () => {
    const { database, url } = await open();
    await runMigrations(database, url);
    await database.db.execute(sql`
      INSERT INTO tasks (guild_id, channel_id, number, title, description, labels, created_by)
      VALUES ('1', '2', 1, 'Fix login redirect', 'Users bounce back to the form', ARRAY['auth', 'frontend'], '3'),
             ('1', '2', 2, 'Write release notes', 'Summarise the sprint', ARRAY['docs'], '3')`);
    const match = async (query: string) =>
      (
        await database.db.execute<{ number: number }>(
          sql`SELECT t.number FROM tasks t JOIN task_search s ON s.task_id = t.id
            WHERE s.search_vector @@ websearch_to_tsquery('english', ${query}) ORDER BY t.number`,
        )
      ).rows.map((row) => Number(row.number));
    expect(await match("login")).toEqual([1]);
    expect(await match("bouncing")).toEqual([1]);
    expect(await match("docs")).toEqual([2]);

    // The side table follows every write of the words, and a delete.
    await database.db.execute(sql`UPDATE tasks SET title = 'Fix logout redirect' WHERE number = 1`);
    await database.db.execute(sql`UPDATE tasks SET labels = ARRAY['docs', 'auth'] WHERE number = 2`);
    await database.db.execute(sql`UPDATE tasks SET description = 'Summarise the release' WHERE number = 2`);
    expect(await match("login")).toEqual([]);
    expect(await match("logout")).toEqual([1]);
    expect(await match("auth")).toEqual([1, 2]);
    expect(await match("release summarise")).toEqual([2]);
    await database.db.execute(sql`DELETE FROM tasks WHERE number = 1`);
    expect(await match("redirect")).toEqual([]);
    const rows = await database.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM task_search`);
    expect(Number(rows.rows[0]!.n)).toBe(1);
  });

  it("a change of status leaves the search row as it was; a move of channel carries it along", async () => {
    const { database, url } = await open();
    await runMigrations(database, url);
    await database.db.execute(sql`
      INSERT INTO tasks (guild_id, channel_id, number, title, created_by)
      VALUES ('1', '2', 1, 'Rotate the keys', '3')`);
    const searchRow = async () =>
      (
        await database.db.execute<{ xmin: string; channel_id: string; number: number }>(
          sql`SELECT xmin::text AS xmin, channel_id, number FROM task_search`,
        )
      ).rows;
    const [before] = await searchRow();
    await database.db.execute(
      sql`UPDATE tasks SET status = 'in_progress', assignee_id = '4', version = version + 1 WHERE number = 1`,
    );
    expect(await searchRow()).toEqual([before]);
    await database.db.execute(sql`UPDATE tasks SET channel_id = '5' WHERE number = 1`);
    expect(await searchRow()).toEqual([expect.objectContaining({ channel_id: "5", number: 1 })]);
  });
});
