import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "./database.ts";
import { type TaskRow, tasks } from "./schema.ts";

/** One import per guild at a time: two runs of the same file must not both create its tasks. */
export async function lockImports(tx: Tx, guildId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`tasklane:import:${guildId}`}))`);
}

/** Tasks an earlier import of this tag brought in (metadata.source.taskmaster set), locked for update. */
export async function lockImportedTasks(tx: Tx, guildId: string, tag: string): Promise<TaskRow[]> {
  return tx
    .select()
    .from(tasks)
    .where(
      and(
        eq(tasks.guildId, guildId),
        sql`${tasks.metadata} -> 'source' ->> 'taskmaster' IS NOT NULL`,
        sql`coalesce(${tasks.metadata} -> 'source' ->> 'tag', 'master') = ${tag}`,
      ),
    )
    .orderBy(tasks.id)
    .for("update");
}
