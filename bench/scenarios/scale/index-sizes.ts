import pg from "pg";

export interface RelationSize {
  table: string;
  relation: string;
  kind: "table" | "index";
  bytes: number;
}

/** pg_relation_size of each table (heap) and each of its indexes. */
export async function relationSizes(url: string, tables: string[]): Promise<RelationSize[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{
      table: string;
      relation: string;
      kind: "table" | "index";
      bytes: string;
    }>(
      `SELECT t.relname AS table, t.relname AS relation, 'table' AS kind, pg_relation_size(t.oid) AS bytes
         FROM pg_class t WHERE t.relname = ANY($1) AND t.relkind = 'r'
       UNION ALL
       SELECT t.relname, i.relname, 'index', pg_relation_size(i.oid)
         FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
        WHERE t.relname = ANY($1)
       ORDER BY 1, 3 DESC, 4 DESC`,
      [tables],
    );
    return result.rows.map((row) => ({ ...row, bytes: Number(row.bytes) }));
  } finally {
    await client.end();
  }
}

export const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
