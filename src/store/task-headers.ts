import { sql } from "drizzle-orm";
import type { Queryable } from "./database.ts";
import { prepareStatement, runPreparedOn } from "./prepared.ts";

export interface TaskHeader {
  id: number;
  guildId: string;
  channelId: string;
  number: number;
  version: number;
}

const HEADER = prepareStatement<{ taskId: number }>(
  "tasklane_task_header",
  sql`SELECT id, guild_id AS "guildId", channel_id AS "channelId", number, version
  FROM tasks WHERE id = ${sql.placeholder("taskId")}::int LIMIT 1`,
);

/**
 * A button names a task by its internal id; this says which guild it belongs to before anything is
 * done with it, so a custom_id copied from another server cannot reach that server's task.
 */
export async function findTaskHeader(db: Queryable, taskId: number): Promise<TaskHeader | null> {
  const [row] = await runPreparedOn<TaskHeader & Record<string, unknown>, { taskId: number }>(db, HEADER, {
    taskId,
  });
  return row ?? null;
}
