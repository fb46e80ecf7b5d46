import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { quoteIdentifier, urlForDatabase, withAdminClient } from "../setup/admin-sql.ts";

export interface TestDatabase {
  name: string;
  /** URL of a database of its own (migrated unless created empty), owned by the run's superuser. */
  url: string;
  /** Drops it, closing any sessions still open on it. Safe to call twice. */
  drop(): Promise<void>;
}

function provided<K extends "databaseUrl" | "redisUrl" | "templateDatabase" | "databasePrefix">(
  key: K,
): string {
  const value = inject(key);
  if (!value)
    throw new Error(
      `"${key}" was not provided: run tests with vitest.config.ts (its globalSetup starts the servers)`,
    );
  return value;
}

export interface TestDatabaseOptions {
  /** true: an empty database with no migrations applied (for tests of the migrations themselves). */
  empty?: boolean;
}

/**
 * A fresh database of its own, copied from the run's migrated template (or empty): one per test
 * file, so files run in parallel.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = provided("databaseUrl");
  const name = `${provided("databasePrefix")}${randomBytes(5).toString("hex")}`;
  const template = options.empty ? "" : ` TEMPLATE ${quoteIdentifier(provided("templateDatabase"))}`;
  await withAdminClient(serverUrl, (client) =>
    client.query(`CREATE DATABASE ${quoteIdentifier(name)}${template}`),
  );
  return {
    name,
    url: urlForDatabase(serverUrl, name),
    drop: async () => {
      await withAdminClient(serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
      );
    },
  };
}

/** The run's Redis server, shared by all files: keep apart with uniqueRedisPrefix(). */
export function testRedisUrl(): string {
  return provided("redisUrl");
}

/** A key prefix no other file or test uses, e.g. `t:9f2c41d0aa:`. */
export function uniqueRedisPrefix(): string {
  return `t:${randomBytes(5).toString("hex")}:`;
}
