import { eq } from "drizzle-orm";
import type { Queryable } from "./database.ts";
import { tasks } from "./schema.ts";

export interface TaskHeader {
  id: number;
  guildId: string;
  channelId: string;
  number: number;
  version: number;
}

/**
 * A button names a task by its internal id; this says which guild it belongs to before anything is
 * done with it, so a custom_id copied from another server cannot reach that server's task.
 */
export async function findTaskHeader(db: Queryable, taskId: number): Promise<TaskHeader | null> {
  const [row] = await db
    .select({
      id: tasks.id,
      guildId: tasks.guildId,
      channelId: tasks.channelId,
      number: tasks.number,
      version: tasks.version,
    })
    .from(tasks)
    .where(eq(tasks.id, taskId))
    .limit(1);
  return row ?? null;
}
