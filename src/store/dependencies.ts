import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import type { PlacedStatusRef } from "../domain/task-states.ts";
import type { Queryable, Tx } from "./database.ts";
import { queryRows } from "./raw.ts";
import { type TaskRow, taskDependencies, tasks } from "./schema.ts";

/**
 * Serialises dependency-graph edits within a guild, so two concurrent edges can't close a cycle
 * that neither transaction sees alone.
 */
export async function lockDependencyGraph(tx: Tx, guildId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`tasklane:deps:${guildId}`}))`);
}

export async function insertDependencies(
  tx: Tx,
  taskId: number,
  dependsOnIds: number[],
  now: Date,
): Promise<void> {
  if (dependsOnIds.length === 0) return;
  await tx
    .insert(taskDependencies)
    .values(dependsOnIds.map((dependsOnId) => ({ taskId, dependsOnId, createdAt: now })))
    .onConflictDoNothing();
}

export async function deleteDependency(tx: Tx, taskId: number, dependsOnId: number): Promise<boolean> {
  const deleted = await tx
    .delete(taskDependencies)
    .where(and(eq(taskDependencies.taskId, taskId), eq(taskDependencies.dependsOnId, dependsOnId)))
    .returning({ taskId: taskDependencies.taskId });
  return deleted.length > 0;
}

export async function hasDependency(q: Queryable, taskId: number, dependsOnId: number): Promise<boolean> {
  const rows = await q
    .select({ taskId: taskDependencies.taskId })
    .from(taskDependencies)
    .where(and(eq(taskDependencies.taskId, taskId), eq(taskDependencies.dependsOnId, dependsOnId)));
  return rows.length > 0;
}

/** The task's dependencies that are not done yet (a fresh read: run it after taking the locks). */
export async function openDependencies(q: Queryable, taskId: number): Promise<PlacedStatusRef[]> {
  return q
    .select({ number: tasks.number, status: tasks.status, channelId: tasks.channelId })
    .from(taskDependencies)
    .innerJoin(tasks, eq(tasks.id, taskDependencies.dependsOnId))
    .where(and(eq(taskDependencies.taskId, taskId), ne(tasks.status, "done")))
    .orderBy(asc(tasks.number));
}

/** Blocked tasks that depend on `taskId`, locked in id order (so concurrent completions never deadlock). */
export async function lockBlockedDependents(tx: Tx, taskId: number): Promise<TaskRow[]> {
  const dependents = tx
    .select({ id: taskDependencies.taskId })
    .from(taskDependencies)
    .where(eq(taskDependencies.dependsOnId, taskId));
  return tx
    .select()
    .from(tasks)
    .where(and(inArray(tasks.id, dependents), eq(tasks.status, "blocked")))
    .orderBy(asc(tasks.id))
    .for("update");
}

/**
 * The chain of task numbers from `fromId` to `toId` following "depends on" edges, or null when
 * `toId` can't be reached. Adding toId -> fromId would close exactly this chain into a cycle.
 */
export async function dependencyPath(q: Queryable, fromId: number, toId: number): Promise<number[] | null> {
  const reached = await queryRows<{ task_id: number; depends_on_id: number }>(
    q,
    sql`
    WITH RECURSIVE reach(id) AS (
      SELECT ${fromId}::int
      UNION
      SELECT d.depends_on_id FROM reach r JOIN task_dependencies d ON d.task_id = r.id
    )
    SELECT d.task_id, d.depends_on_id FROM task_dependencies d WHERE d.task_id IN (SELECT id FROM reach)`,
  );
  const edges = new Map<number, number[]>();
  for (const row of reached) {
    const from = Number(row.task_id);
    edges.set(from, [...(edges.get(from) ?? []), Number(row.depends_on_id)]);
  }
  const previous = new Map<number, number>([[fromId, fromId]]);
  const queue = [fromId];
  while (queue.length > 0 && !previous.has(toId)) {
    const id = queue.shift()!;
    for (const next of edges.get(id) ?? []) {
      if (previous.has(next)) continue;
      previous.set(next, id);
      queue.push(next);
    }
  }
  if (!previous.has(toId)) return null;
  const ids = [toId];
  while (ids[0] !== fromId) ids.unshift(previous.get(ids[0]!)!);
  const numbers = await q
    .select({ id: tasks.id, number: tasks.number })
    .from(tasks)
    .where(inArray(tasks.id, ids));
  const byId = new Map(numbers.map((row) => [row.id, row.number]));
  return ids.map((id) => byId.get(id)!);
}
