import type { TaskView } from "../../domain/task-view.ts";
import type { DomainAction } from "../../domain/transitions.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema } from "../../domain/validation/task-inputs.ts";
import type { Tx } from "../../store/database.ts";
import type { TaskRow } from "../../store/schema.ts";
import type { ActionContext } from "../contracts.ts";
import type { Effects } from "../effects.ts";
import type { Engine } from "../engine.ts";
import { mutate } from "../mutate.ts";
import type { ChannelSettingsView } from "../views.ts";
import { viewFor } from "../visibility.ts";
import { requireTask, requireView } from "./load-task.ts";
import { requireAllowed } from "./require-allowed.ts";

/** What a change to one task works with, inside its transaction. */
export interface AllowedChange {
  tx: Tx;
  effects: Effects;
  ctx: ActionContext;
  /** The task's row, locked until the transaction ends. */
  task: TaskRow;
  /** Its channel's settings, as `decide()` read them. */
  settings: ChannelSettingsView;
  now: Date;
}

/**
 * The step every change that is not a transition shares (a comment, progress, a question, its answer):
 * the task read and locked, `decide()` on `action` for the actor in the task's channel (a task the
 * actor cannot see is unknown to it), then `change` in the same transaction; returns the task as the
 * actor sees it afterwards. `lock: "share"` for a change that leaves the task's row as it is.
 */
export async function changeAllowedTask(
  engine: Engine,
  rawCtx: ActionContext,
  number: number,
  action: DomainAction,
  change: (step: AllowedChange) => Promise<void>,
  options: { lock?: "update" | "share" } = {},
): Promise<TaskView> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const view = await mutate(engine, ctx.guildId, async (tx, effects) => {
    const now = engine.now();
    const task = await requireTask(tx, ctx.guildId, number, options.lock);
    const settings = await requireAllowed(tx, ctx, task, action, now);
    await change({ tx, effects, ctx, task, settings, now });
    return requireView(tx, ctx.guildId, number);
  });
  return viewFor(ctx, view);
}
