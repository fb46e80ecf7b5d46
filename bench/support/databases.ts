import pg from "pg";
import { migrateServer } from "../../src/store/migrate.ts";

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database of its own for one scenario, so scenarios never see each other's rows.
 * With `migrate`, Tasklane's committed migrations are applied (the same runner as start-up).
 * With `reuse`, an existing database of that name is kept as it is (only migrated).
 */
export async function createBenchDatabase(
  serverUrl: string,
  name: string,
  options: { migrate: boolean; reuse?: boolean },
): Promise<BenchDatabase> {
  const safe = name.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  if (!options.reuse)
    await admin(serverUrl, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${safe} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${safe}`);
    });
  const url = databaseUrl(serverUrl, safe);
  if (options.migrate) await migrateServer(url);
  return {
    name: safe,
    url,
    drop: () =>
      admin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${safe} WITH (FORCE)`)).then(),
  };
}

export async function postgresVersion(serverUrl: string): Promise<string> {
  return admin(serverUrl, async (client) => {
    const result = await client.query<{ server_version: string }>("SHOW server_version");
    return result.rows[0]?.server_version ?? "unknown";
  });
}
