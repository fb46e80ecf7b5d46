import { sql } from "drizzle-orm";
import type { TaskEventView } from "../domain/task-event.ts";
import type { EventSource, TaskStatus } from "../domain/task-states.ts";
import type { Queryable } from "./database.ts";
import { fromJson, queryRows, toIso } from "./raw.ts";

export async function countEvents(q: Queryable, taskId: number): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    q,
    sql`SELECT count(*)::int AS n FROM task_events WHERE task_id = ${taskId}`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Newest first, keyset on the event id (index task_events_task_idx). */
export async function pageEvents(
  q: Queryable,
  taskId: number,
  position: { after: number } | { before: number } | null,
  limit: number,
): Promise<{ items: TaskEventView[]; more: boolean }> {
  const before = position && "before" in position;
  const bound = !position
    ? sql``
    : before
      ? sql`AND id > ${position.before}`
      : sql`AND id < ${position.after}`;
  const rows = await queryRows(
    q,
    sql`SELECT id, actor_id, kind, from_status, to_status, details, source, created_at FROM task_events
      WHERE task_id = ${taskId} ${bound} ORDER BY id ${before ? sql`ASC` : sql`DESC`} LIMIT ${limit + 1}`,
  );
  const items = rows.slice(0, limit).map(
    (row): TaskEventView => ({
      id: Number(row.id),
      actorId: String(row.actor_id),
      kind: String(row.kind),
      fromStatus: (row.from_status as TaskStatus | null) ?? null,
      toStatus: (row.to_status as TaskStatus | null) ?? null,
      details: fromJson<Record<string, unknown>>(row.details) ?? {},
      source: row.source as EventSource,
      at: toIso(row.created_at)!,
    }),
  );
  return { items: before ? items.reverse() : items, more: rows.length > limit };
}
