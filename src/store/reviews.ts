import { asc, eq } from "drizzle-orm";
import type { ReviewVerdict } from "../domain/task-states.ts";
import type { Queryable, Tx } from "./database.ts";
import { type TaskReviewRow, taskReviews } from "./schema.ts";

export async function insertReview(
  tx: Tx,
  review: { taskId: number; reviewerId: string; verdict: ReviewVerdict; comment: string | null },
  now: Date,
): Promise<void> {
  await tx.insert(taskReviews).values({ ...review, createdAt: now });
}

export async function listReviews(q: Queryable, taskId: number): Promise<TaskReviewRow[]> {
  return q.select().from(taskReviews).where(eq(taskReviews.taskId, taskId)).orderBy(asc(taskReviews.id));
}
