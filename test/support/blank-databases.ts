import { silentLogger } from "../../src/log.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
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
