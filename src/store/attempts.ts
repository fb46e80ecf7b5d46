import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import type { AttemptOutcome } from "../domain/task-states.ts";
import type { Queryable, Tx } from "./database.ts";
import { type TaskAttemptRow, taskAttempts } from "./schema.ts";

/** Opens the task's next attempt (1, 2, …) for `assigneeId`; an attempt left open is closed as released. */
export async function openAttempt(
  tx: Tx,
  taskId: number,
  assigneeId: string,
  now: Date,
): Promise<TaskAttemptRow> {
  await closeAttempt(tx, taskId, { outcome: "released", error: "superseded by a new attempt" }, now);
  const [row] = await tx
    .insert(taskAttempts)
    .values({
      taskId,
      assigneeId,
      startedAt: now,
      attempt: sql`(SELECT coalesce(max(attempt), 0) + 1 FROM task_attempts WHERE task_id = ${taskId})`,
    })
    .returning();
  return row!;
}

export interface AttemptClose {
  outcome: AttemptOutcome;
  summary?: string | null;
  result?: Record<string, unknown> | null;
  error?: string | null;
}

/** Closes the task's open attempt, if any; undefined when none was open. */
export async function closeAttempt(
  tx: Tx,
  taskId: number,
  close: AttemptClose,
  now: Date,
): Promise<TaskAttemptRow | undefined> {
  const [row] = await tx
    .update(taskAttempts)
    .set({
      endedAt: now,
      outcome: close.outcome,
      summary: close.summary ?? null,
      result: close.result ?? null,
      error: close.error ?? null,
    })
    .where(and(eq(taskAttempts.taskId, taskId), isNull(taskAttempts.endedAt)))
    .returning();
  return row;
}

export async function findLatestAttempt(q: Queryable, taskId: number): Promise<TaskAttemptRow | undefined> {
  const [row] = await q
    .select()
    .from(taskAttempts)
    .where(eq(taskAttempts.taskId, taskId))
    .orderBy(desc(taskAttempts.attempt))
    .limit(1);
  return row;
}

export async function listAttempts(q: Queryable, taskId: number): Promise<TaskAttemptRow[]> {
  return q
    .select()
    .from(taskAttempts)
    .where(eq(taskAttempts.taskId, taskId))
    .orderBy(asc(taskAttempts.attempt));
}

/** The question joins the open attempt's list (the assignee asked it while working). */
export async function recordQuestion(
  tx: Tx,
  taskId: number,
  question: { question: string; askedBy: string },
  now: Date,
): Promise<void> {
  const entry = { ...question, askedAt: now.toISOString(), answer: null, answeredBy: null, answeredAt: null };
  await tx
    .update(taskAttempts)
    .set({ questions: sql`${taskAttempts.questions} || jsonb_build_array(${JSON.stringify(entry)}::jsonb)` })
    .where(and(eq(taskAttempts.taskId, taskId), isNull(taskAttempts.endedAt)));
}

/** The answer goes with the last question of the open attempt. */
export async function recordAnswer(
  tx: Tx,
  taskId: number,
  answer: { answer: string; answeredBy: string },
  now: Date,
): Promise<void> {
  const patch = JSON.stringify({ ...answer, answeredAt: now.toISOString() });
  await tx
    .update(taskAttempts)
    .set({
      questions: sql`jsonb_set(${taskAttempts.questions}, ARRAY[(jsonb_array_length(${taskAttempts.questions}) - 1)::text],
        (${taskAttempts.questions} -> -1) || ${patch}::jsonb)`,
    })
    .where(
      and(
        eq(taskAttempts.taskId, taskId),
        isNull(taskAttempts.endedAt),
        sql`jsonb_array_length(${taskAttempts.questions}) > 0`,
      ),
    );
}
