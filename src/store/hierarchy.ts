import { sql } from "drizzle-orm";
import type { Queryable } from "./database.ts";
import { queryRows } from "./raw.ts";

/** The task's parent, grandparent, … (ids, nearest first). Parent chains are acyclic, by edit's check. */
export async function ancestorIds(q: Queryable, taskId: number): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    q,
    sql`
    WITH RECURSIVE up(id, parent_id, depth) AS (
      SELECT id, parent_id, 0 FROM tasks WHERE id = ${taskId}
      UNION ALL
      SELECT t.id, t.parent_id, up.depth + 1 FROM tasks t JOIN up ON t.id = up.parent_id WHERE up.depth < 100
    )
    SELECT id FROM up WHERE depth > 0 ORDER BY depth`,
  );
  return rows.map((row) => Number(row.id));
}
