import { sql } from "drizzle-orm";
import { silentLogger } from "../../src/log.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { runMigrations } from "../../src/store/migrate.ts";
import { createTestDatabase } from "./test-db.ts";

export interface BlankDatabase {
  database: Database;
  /** The Postgres server's URL of it; undefined on PGlite. */
  url: string | undefined;
}

/**
 * Both drivers for a `describe.each`, each opening a database with no migrations applied. What an
 * opened one leaves behind (its connections, the Postgres database itself) is pushed onto `cleanups`.
 */
export function blankDatabaseDrivers(cleanups: (() => Promise<void>)[]) {
  return [
    {
      driver: "postgres server",
      open: async (): Promise<BlankDatabase> => {
        const blank = await createTestDatabase({ empty: true });
        const database = await openDatabase({ url: blank.url, log: silentLogger });
        cleanups.push(blank.drop, () => database.close());
        return { database, url: blank.url };
      },
    },
    {
      driver: "pglite",
      open: async (): Promise<BlankDatabase> => {
        const database = await openDatabase({ dataDir: "memory://", log: silentLogger });
        cleanups.push(() => database.close());
        return { database, url: undefined };
      },
    },
  ];
}

/** The same pair, each database migrated before it is handed out. */
export function migratedDatabaseDrivers(cleanups: (() => Promise<void>)[]) {
  return blankDatabaseDrivers(cleanups).map(({ driver, open }) => ({
    driver,
    open: async (): Promise<Database> => {
      const { database, url } = await open();
      await runMigrations(database, url);
      return database;
    },
  }));
}

/** A task row with only what the table requires (guild '1', channel '2', creator '3'); its id. */
export async function insertBareTask(database: Database, number: number): Promise<number> {
  const rows = await database.db.execute<{ id: number }>(sql`
    INSERT INTO tasks (guild_id, channel_id, number, title, created_by)
    VALUES ('1', '2', ${number}, ${`Task ${number}`}, '3') RETURNING id`);
  return Number(rows.rows[0]!.id);
}
