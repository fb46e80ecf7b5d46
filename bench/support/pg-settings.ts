import pg from "pg";

const SHOWN = ["fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "max_connections"];

/** The server settings that move the figures most, as `name=value` pairs for the header. */
export async function postgresSettings(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ name: string; value: string }>(
      "SELECT name, current_setting(name) AS value FROM pg_settings WHERE name = ANY($1) ORDER BY name",
      [SHOWN],
    );
    return Object.fromEntries(result.rows.map((row) => [row.name, row.value]));
  } finally {
    await client.end();
  }
}
