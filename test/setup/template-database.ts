import { silentLogger } from "../../src/log.ts";
import { openDatabase } from "../../src/store/database.ts";
import { runMigrations } from "../../src/store/migrate.ts";
import { quoteIdentifier, urlForDatabase, withAdminClient } from "./admin-sql.ts";

export const templateDatabaseName = "tasklane_template";

/** Drops a database even if it is a template or has sessions (Postgres 13+). */
async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdminClient(serverUrl, async (client) => {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) return;
    await client.query(`ALTER DATABASE ${quoteIdentifier(name)} WITH IS_TEMPLATE false`);
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  });
}

/**
 * Built once per run, from the committed migrations through the app's own runMigrations, then
 * frozen: files copy it with CREATE DATABASE ... TEMPLATE, which needs it to have no sessions.
 */
export async function buildTemplateDatabase(serverUrl: string): Promise<void> {
  await dropDatabase(serverUrl, templateDatabaseName);
  await withAdminClient(serverUrl, (client) =>
    client.query(`CREATE DATABASE ${quoteIdentifier(templateDatabaseName)}`),
  );
  const url = urlForDatabase(serverUrl, templateDatabaseName);
  const database = await openDatabase({ url, log: silentLogger });
  try {
    await runMigrations(database, url);
  } finally {
    await database.close();
  }
  await withAdminClient(serverUrl, (client) =>
    client.query(
      `ALTER DATABASE ${quoteIdentifier(templateDatabaseName)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`,
    ),
  );
}

/** Removes the template and any per-file database of this run that a file did not drop. */
export async function dropRunDatabases(serverUrl: string, runPrefix: string): Promise<void> {
  const names = await withAdminClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
      [runPrefix],
    );
    return rows.map((row) => row.datname);
  });
  for (const name of [...names, templateDatabaseName]) await dropDatabase(serverUrl, name);
}
