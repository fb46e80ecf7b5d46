import { ForbiddenError, NotFoundError } from "../../domain/errors.ts";
import type { TaskView } from "../../domain/task-view.ts";
import { taskNumber } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import type { Queryable, Tx } from "../../store/database.ts";
import type { TaskRow } from "../../store/schema.ts";
import { selectTaskView } from "../../store/task-views.ts";
import { lockTaskByNumber } from "../../store/tasks.ts";

export function noSuchTask(number: number): NotFoundError {
  return new NotFoundError(`There is no task #${number} in this server.`);
}

/** A card button's taskId and #number name two different tasks: copied from another server, or edited. */
export function notTheButtonsTask(): ForbiddenError {
  return new ForbiddenError("That button does not name a task of this server; nothing was changed.");
}

/** The task's row, locked until the transaction ends; NotFoundError when the guild has no such number. */
export async function requireTask(
  tx: Tx,
  guildId: string,
  number: number,
  mode: "update" | "share" = "update",
): Promise<TaskRow> {
  parseInput(taskNumber, number, "number");
  const task = await lockTaskByNumber(tx, guildId, number, mode);
  if (!task) throw noSuchTask(number);
  return task;
}

export async function requireView(q: Queryable, guildId: string, number: number): Promise<TaskView> {
  parseInput(taskNumber, number, "number");
  const view = await selectTaskView(q, guildId, number);
  if (!view) throw noSuchTask(number);
  return view;
}
