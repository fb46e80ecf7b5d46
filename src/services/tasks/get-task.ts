import { viewKeys } from "../../cache/keys.ts";
import type { TaskView } from "../../domain/task-view.ts";
import { taskNumber } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema } from "../../domain/validation/task-inputs.ts";
import { PENDING_MESSAGE_ID } from "../../store/task-messages.ts";
import { selectTaskExtras } from "../../store/task-views.ts";
import type { ActionContext, TaskDetails } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import { requireVisible, viewFor } from "../visibility.ts";
import { requireView } from "./load-task.ts";

/**
 * Cache-aside by guild and number; writers delete the key after they commit. The cached view is the
 * whole task: who may see it, and which of its relatives, is decided per reader after the read.
 */
export async function getTask(engine: Engine, rawCtx: ActionContext, number: number): Promise<TaskView> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  parseInput(taskNumber, number, "number");
  const key = viewKeys.task(ctx.guildId, number);
  let view = await engine.cache.views.get<TaskView>(key);
  if (!view) {
    view = await requireView(engine.db, ctx.guildId, number);
    await engine.cache.views.set(key, view, engine.viewTtlSeconds);
  }
  requireVisible(ctx, view);
  return viewFor(ctx, view);
}

/**
 * The task as `getTask` answers it, with its attempts and its live card, read by the task's id in one
 * statement once the view said the actor may see it.
 */
export async function taskDetails(engine: Engine, ctx: ActionContext, number: number): Promise<TaskDetails> {
  const task = await getTask(engine, ctx, number);
  const { attempts, card } = await selectTaskExtras(engine.db, task.id);
  const liveCard = card && card.messageId !== PENDING_MESSAGE_ID ? card : null;
  return { task, attempts, liveCard };
}
