import { z } from "zod";
import { snowflake, taskNumber } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { pageSchema } from "../../domain/validation/task-inputs.ts";
import { listAttempts } from "../../store/attempts.ts";
import { countEvents, pageEvents } from "../../store/history.ts";
import { listReviews } from "../../store/reviews.ts";
import { findTaskByNumber } from "../../store/tasks.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import type { Engine } from "../engine.ts";
import type { AttemptResult, AttemptView, Page, PageRequest, ReviewView, TaskEventView } from "../types.ts";
import { noSuchTask } from "./load-task.ts";

const eventCursor = z.union([z.object({ after: z.number().int() }), z.object({ before: z.number().int() })]);

async function taskId(engine: Engine, guildId: string, number: number): Promise<number> {
  parseInput(snowflake, guildId, "guildId");
  parseInput(taskNumber, number, "number");
  const task = await findTaskByNumber(engine.db, guildId, number);
  if (!task) throw noSuchTask(number);
  return task.id;
}

/** The task's events, newest first. */
export async function taskHistory(
  engine: Engine,
  guildId: string,
  number: number,
  rawPage?: PageRequest,
): Promise<Page<TaskEventView>> {
  const page = parseInput(pageSchema, rawPage);
  const position = decodeCursor(eventCursor, page.cursor);
  const id = await taskId(engine, guildId, number);
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
export async function taskReviews(engine: Engine, guildId: string, number: number): Promise<ReviewView[]> {
  const rows = await listReviews(engine.db, await taskId(engine, guildId, number));
  return rows.map((row) => ({
    reviewerId: row.reviewerId,
    verdict: row.verdict,
    comment: row.comment,
    at: row.createdAt.toISOString(),
  }));
}

/** Attempts, oldest first. */
export async function taskAttempts(engine: Engine, guildId: string, number: number): Promise<AttemptView[]> {
  const rows = await listAttempts(engine.db, await taskId(engine, guildId, number));
  return rows.map((row) => ({
    attempt: row.attempt,
    assigneeId: row.assigneeId,
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
    outcome: row.outcome,
    summary: row.summary,
    result: (row.result as AttemptResult | null) ?? null,
    error: row.error,
  }));
}
