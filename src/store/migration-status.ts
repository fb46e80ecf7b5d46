import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { Queryable } from "./database.ts";
import { migrationsFolder } from "./migrate.ts";
import { queryRows } from "./raw.ts";

export interface MigrationState {
  tag: string;
  /** applied; pending (the next start or db:migrate applies it); or skipped: older than the last applied
   * one, which drizzle's migrator never goes back for. */
  state: "applied" | "pending" | "skipped";
}

/** The committed migrations against what the database recorded in drizzle.__drizzle_migrations. */
export async function migrationStatus(q: Queryable): Promise<MigrationState[]> {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, "utf8")) as {
    entries: { tag: string; when: number }[];
  };
  const files = readMigrationFiles({ migrationsFolder });
  const [table] = await queryRows<{ present: boolean }>(
    q,
    sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`,
  );
  const applied = table?.present
    ? await queryRows<{ hash: string; created_at: string | number }>(
        q,
        sql`SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY created_at`,
      )
    : [];
  const appliedHashes = new Set(applied.map((row) => row.hash));
  const lastApplied = Math.max(0, ...applied.map((row) => Number(row.created_at)));
  return journal.entries.map((entry, index) => {
    const file = files[index]!;
    if (appliedHashes.has(file.hash)) return { tag: entry.tag, state: "applied" };
    return { tag: entry.tag, state: entry.when <= lastApplied ? "skipped" : "pending" };
  });
}
