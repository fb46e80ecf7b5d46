import { sql } from "drizzle-orm";
import type { TaskEventView } from "../domain/task-event.ts";
import type { Queryable } from "./database.ts";
import { fromJson, queryRows, toIso } from "./raw.ts";

/** The audit events of these tasks, oldest first per task (index task_events_task_idx). */
export async function eventsOfTasks(q: Queryable, taskIds: number[]): Promise<Map<number, TaskEventView[]>> {
  const byTask = new Map<number, TaskEventView[]>();
  if (taskIds.length === 0) return byTask;
  const rows = await queryRows(
    q,
    sql`SELECT task_id, id, actor_id, kind, from_status, to_status, details, source, created_at
      FROM task_events WHERE task_id IN ${sql`(${sql.join(
        taskIds.map((id) => sql`${id}`),
        sql`, `,
      )})`} ORDER BY task_id, id`,
  );
  for (const row of rows) {
    const taskId = Number(row.task_id);
    const events = byTask.get(taskId) ?? [];
    events.push({
      id: Number(row.id),
      actorId: String(row.actor_id),
      kind: String(row.kind),
      fromStatus: (row.from_status as TaskEventView["fromStatus"]) ?? null,
      toStatus: (row.to_status as TaskEventView["toStatus"]) ?? null,
      details: fromJson<Record<string, unknown>>(row.details) ?? {},
      source: row.source as TaskEventView["source"],
      at: toIso(row.created_at)!,
    });
    byTask.set(taskId, events);
  }
  return byTask;
}
