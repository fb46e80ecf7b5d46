import { type AttemptClose, closeAttempt, openAttempt } from "../../store/attempts.ts";
import type { Tx } from "../../store/database.ts";
import type { TaskAttemptRow, TaskRow } from "../../store/schema.ts";

export { openAttempt } from "../../store/attempts.ts";

/**
 * Ends the task's running attempt. A task started before attempts were recorded has none: its
 * attempt is written now, started when the task was, so a submission is never lost.
 */
export async function endAttempt(
  tx: Tx,
  task: TaskRow,
  close: AttemptClose,
  now: Date,
): Promise<TaskAttemptRow | undefined> {
  const closed = await closeAttempt(tx, task.id, close, now);
  if (closed || !task.assigneeId) return closed;
  await openAttempt(tx, task.id, task.assigneeId, task.startedAt ?? now);
  return closeAttempt(tx, task.id, close, now);
}
