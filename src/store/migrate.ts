import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import pg from "pg";
import type { Database } from "./database.ts";

/**
 * The committed migrations/ folder: two levels up from src/store/ when run from source (tsx), three from
 * the compiled dist/src/store/ (npm start, the Docker image).
 */
export const migrationsFolder = findMigrationsFolder();

function findMigrationsFolder(): string {
  const candidates = ["../../migrations", "../../../migrations"].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  const found = candidates.find((folder) => existsSync(`${folder}/meta/_journal.json`));
  if (!found) throw new Error(`migrations not found (looked in ${candidates.join(" and ")})`);
  return found;
}

/** Arbitrary constant: instances starting together take turns applying migrations. */
const MIGRATION_LOCK_KEY = 7_236_120_001;

/**
 * Applies the committed SQL migrations. Applying twice is a no-op. On a Postgres server the
 * run holds an advisory lock on its own connection, so several instances may start at once.
 */
export async function runMigrations(database: Database, url?: string): Promise<void> {
  if (database.kind === "pglite") {
    const { migrate: migratePglite } = await import("drizzle-orm/pglite/migrator");
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
  if (!url) throw new Error("runMigrations needs the database URL for a Postgres server");
  await migrateServer(url);
}

export async function migrateServer(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  // A failure of this connection rejects the migration in progress; without a listener it would crash.
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query("SET client_min_messages = warning");
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await migratePg(drizzlePg({ client }), { migrationsFolder });
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
