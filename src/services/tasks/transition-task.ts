import { type DecisionExtra, type DecisionSettings, decide } from "../../domain/decide.ts";
import type { DomainAction } from "../../domain/transitions.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema, transitionSchema } from "../../domain/validation/task-inputs.ts";
import { findChannelSettings } from "../../store/channel-settings.ts";
import type { Tx } from "../../store/database.ts";
import { openDependencies } from "../../store/dependencies.ts";
import type { TaskRow } from "../../store/schema.ts";
import { selectTaskViewsByIds } from "../../store/task-views.ts";
import { liveSubtasks, lockTaskById } from "../../store/tasks.ts";
import { inTransaction } from "../../store/transaction.ts";
import { applyEffects, Effects } from "../effects.ts";
import type { Engine } from "../engine.ts";
import { toSettingsView } from "../settings/settings-view.ts";
import type { ActionContext, ChannelSettingsView, TransitionInput, TransitionResult } from "../types.ts";
import { applyTransition } from "./apply-transition.ts";
import { refusalError, staleVersion } from "./explain-refusal.ts";
import { requireTask } from "./load-task.ts";

export interface Decided {
  ctx: ActionContext;
  task: TaskRow;
  settings: ChannelSettingsView;
  action: DomainAction;
  text: string | undefined;
  assigneeId: string | undefined;
  now: Date;
}

/**
 * Locks the task, asks decide(), and applies the change with its event, review and outbox rows in
 * one transaction. A stale expectedVersion or a lost race is refused with what happened instead.
 */
export async function transitionTask(
  engine: Engine,
  rawCtx: ActionContext,
  raw: TransitionInput,
): Promise<TransitionResult> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const input = parseInput(transitionSchema, raw);
  const effects = new Effects(ctx.guildId);
  const ids = await inTransaction(engine.db, async (tx) => {
    const now = engine.now();
    const task = await requireTask(tx, ctx.guildId, input.number);
    if (input.expectedVersion !== undefined && input.expectedVersion !== task.version) {
      throw await staleVersion(tx, task, input.action);
    }
    const settings = toSettingsView(
      await findChannelSettings(tx, task.channelId),
      task.guildId,
      task.channelId,
    );
    const extra = await loadExtra(tx, task, input.action, now);
    const decision = decide(task, input.action, ctx.actor, decisionSettings(settings), {
      ...extra,
      system: ctx.source === "system",
      assigneeId: input.assigneeId,
      text: input.text,
    });
    if (!decision.ok) throw await refusalError(tx, task, input.action, decision);
    const decided = {
      ctx,
      task,
      settings,
      action: input.action,
      text: input.text,
      assigneeId: input.assigneeId,
      now,
    };
    const changed = await applyTransition(tx, engine, effects, decided, decision.to);
    const views = await selectTaskViewsByIds(tx, [changed.id, ...changed.alsoChanged]);
    return { views, id: changed.id, alsoChanged: changed.alsoChanged };
  });
  await applyEffects(engine, effects);
  const task = ids.views.find((view) => view.id === ids.id)!;
  return { task, alsoChanged: ids.views.filter((view) => view.id !== ids.id) };
}

export function decisionSettings(settings: ChannelSettingsView): DecisionSettings {
  return {
    reviewerRoleId: settings.reviewerRoleId,
    requireReview: settings.requireReview,
    allowSelfReview: settings.allowSelfReview,
    maxAttempts: settings.maxAttempts,
  };
}

/** What the rules need beyond the row, read after the row lock so it can't change underneath. */
async function loadExtra(tx: Tx, task: TaskRow, action: DomainAction, now: Date): Promise<DecisionExtra> {
  const extra: DecisionExtra = { now };
  if (action === "approve" || action === "submit") extra.liveSubtasks = await liveSubtasks(tx, task.id);
  if (action === "unblock" || action === "reopen")
    extra.openDependencies = await openDependencies(tx, task.id);
  if (action === "reopen" && task.parentId !== null) {
    // A share lock: a concurrent approval of the parent waits for this reopen and then sees it live.
    const parent = await lockTaskById(tx, task.parentId, "share");
    extra.parent = parent ? { number: parent.number, status: parent.status } : null;
  }
  return extra;
}
