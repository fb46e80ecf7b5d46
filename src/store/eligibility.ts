import { type SQL, sql } from "drizzle-orm";

/**
 * The one rule for "an open task someone may take now": open, its retry backoff over, every
 * dependency done. `task` names the tasks row in the surrounding query ("t", or "tasks" when unaliased).
 * Used by `next` (store/queue.ts) and auto-assignment (store/auto-assign.ts).
 */
export function eligibleOpenTask(task: string, now: SQL): SQL {
  const t = sql.raw(task);
  return sql`(${t}.status = 'open'
    AND (${t}.next_attempt_at IS NULL OR ${t}.next_attempt_at <= ${now})
    AND NOT EXISTS (SELECT 1 FROM task_dependencies d JOIN tasks dt ON dt.id = d.depends_on_id
      WHERE d.task_id = ${t}.id AND dt.status <> 'done'))`;
}
