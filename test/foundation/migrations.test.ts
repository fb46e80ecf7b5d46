import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { runMigrations } from "../../src/store/migrate.ts";
import { createTestDatabase } from "../support/test-db.ts";

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

describe.each([
  {
    driver: "postgres server",
    open: async () => {
      const blank = await createTestDatabase({ empty: true });
      const database = await openDatabase({ url: blank.url, log: silentLogger });
      cleanups.push(blank.drop, () => database.close());
      return { database, url: blank.url };
    },
  },
  {
    driver: "pglite",
    open: async () => {
      const database = await openDatabase({ dataDir: "memory://", log: silentLogger });
      cleanups.push(() => database.close());
      return { database, url: undefined };
    },
  },
])("migrations on $driver", ({ open }) => {
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
    const match = (query: string) =>
      database.db.execute<{ number: number }>(
        sql`SELECT number FROM tasks WHERE search_vector @@ websearch_to_tsquery('english', ${query}) ORDER BY number`,
      );
    expect((await match("login")).rows).toEqual([{ number: 1 }]);
    expect((await match("bouncing")).rows).toEqual([{ number: 1 }]);
    expect((await match("docs")).rows).toEqual([{ number: 2 }]);
  });
});
