import { desc, eq } from "drizzle-orm";
import type { EventSource, TaskStatus } from "../domain/task-states.ts";
import type { Queryable, Tx } from "./database.ts";
import { type TaskEventRow, taskEvents } from "./schema.ts";

export interface NewEvent {
  taskId: number;
  guildId: string;
  actorId: string;
  kind: string;
  fromStatus?: TaskStatus | null;
  toStatus?: TaskStatus | null;
  details?: Record<string, unknown>;
  source: EventSource;
}

export async function insertEvent(tx: Tx, event: NewEvent, now: Date): Promise<void> {
  await tx.insert(taskEvents).values({
    ...event,
    fromStatus: event.fromStatus ?? null,
    toStatus: event.toStatus ?? null,
    details: event.details ?? {},
    createdAt: now,
  });
}

export async function latestEvent(q: Queryable, taskId: number): Promise<TaskEventRow | undefined> {
  const [row] = await q
    .select()
    .from(taskEvents)
    .where(eq(taskEvents.taskId, taskId))
    .orderBy(desc(taskEvents.id))
    .limit(1);
  return row;
}
