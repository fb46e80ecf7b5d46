import { z } from "zod";
import type { TaskEventView } from "../../domain/task-event.ts";
import type { AttemptResult, AttemptView } from "../../domain/task-view.ts";
import { taskNumber } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema, pageSchema } from "../../domain/validation/task-inputs.ts";
import { listAttempts } from "../../store/attempts.ts";
import { countEvents, pageEvents } from "../../store/history.ts";
import { listReviews } from "../../store/reviews.ts";
import { findTaskByNumber } from "../../store/tasks.ts";
import type { ActionContext, PageRequest } from "../contracts.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import type { Engine } from "../engine.ts";
import type { Page, ReviewView } from "../views.ts";
import { requireVisible } from "../visibility.ts";
import { noSuchTask } from "./load-task.ts";

const eventCursor = z.union([z.object({ after: z.number().int() }), z.object({ before: z.number().int() })]);

/** The task's id, for an actor who can see it. */
async function taskId(engine: Engine, rawCtx: ActionContext, number: number): Promise<number> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  parseInput(taskNumber, number, "number");
  const task = await findTaskByNumber(engine.db, ctx.guildId, number);
  if (!task) throw noSuchTask(number);
  requireVisible(ctx, task);
  return task.id;
}

/** The task's events, newest first. */
export async function taskHistory(
  engine: Engine,
  ctx: ActionContext,
  number: number,
  rawPage?: PageRequest,
): Promise<Page<TaskEventView>> {
  const page = parseInput(pageSchema, rawPage);
  const position = decodeCursor(eventCursor, page.cursor);
  const id = await taskId(engine, ctx, number);
  const [{ items, more }, total] = await Promise.all([
    pageEvents(engine.db, id, position, page.limit),
    countEvents(engine.db, id),
  ]);
  const backwards = position !== null && "before" in position;
  const first = items[0];
  const last = items.at(-1);
  return {
    items,
    total,
    nextCursor: last && (backwards || more) ? encodeCursor({ after: last.id }) : null,
    prevCursor: first && (backwards ? more : position !== null) ? encodeCursor({ before: first.id }) : null,
  };
}

/** Review verdicts, oldest first. */
export async function reviewsOf(engine: Engine, ctx: ActionContext, number: number): Promise<ReviewView[]> {
  const rows = await listReviews(engine.db, await taskId(engine, ctx, number));
  return rows.map((row) => ({
    reviewerId: row.reviewerId,
    verdict: row.verdict,
    comment: row.comment,
    at: row.createdAt.toISOString(),
  }));
}

/** Attempts, oldest first. */
export async function attemptsOf(engine: Engine, ctx: ActionContext, number: number): Promise<AttemptView[]> {
  const rows = await listAttempts(engine.db, await taskId(engine, ctx, number));
  return rows.map((row) => ({
    attempt: row.attempt,
    assigneeId: row.assigneeId,
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
    outcome: row.outcome,
    summary: row.summary,
    result: (row.result as AttemptResult | null) ?? null,
    error: row.error,
    questions: row.questions ?? [],
  }));
}
