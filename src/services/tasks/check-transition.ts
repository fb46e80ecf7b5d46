import { decide } from "../../domain/decide.ts";
import { actorInChannel } from "../../domain/roles.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema, transitionSchema } from "../../domain/validation/task-inputs.ts";
import { findTaskWithSettings } from "../../store/tasks.ts";
import type { ActionContext, TransitionInput } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import { toSettingsView } from "../settings/settings-view.ts";
import { requireWritable } from "../visibility.ts";
import { refusalError, staleVersion } from "./explain-refusal.ts";
import { noSuchTask, notTheButtonsTask } from "./load-task.ts";
import { decisionSettings } from "./transition-task.ts";

/**
 * Would the actor be allowed this transition now? Throws the refusal the transition would give, and
 * writes nothing. Inputs still to be asked for (a rework reason) are not held against the actor: this
 * runs before a form asks for them. The transition itself decides again, under its row lock.
 */
export async function checkTransition(
  engine: Engine,
  rawCtx: ActionContext,
  raw: TransitionInput,
): Promise<void> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const input = parseInput(transitionSchema, raw);
  const found = await findTaskWithSettings(engine.db, ctx.guildId, input.number);
  if (!found) throw noSuchTask(input.number);
  const { task } = found;
  // After the visibility check: a task the actor cannot see reads as no task, whatever the button says.
  const rights = requireWritable(ctx, task);
  if (input.taskId !== undefined && input.taskId !== task.id) throw notTheButtonsTask();
  if (input.expectedVersion !== undefined && input.expectedVersion !== task.version) {
    throw await staleVersion(engine.db, task, input.action);
  }
  const settings = toSettingsView(found.settings ?? undefined, task.guildId, task.channelId);
  const decision = decide(task, input.action, actorInChannel(ctx.actor, rights), decisionSettings(settings), {
    now: engine.now(),
    system: ctx.source === "system",
    assigneeId: input.assigneeId,
    text: input.text,
  });
  if (!decision.ok && decision.kind !== "invalid") {
    throw await refusalError(engine.db, task, input.action, decision);
  }
}
