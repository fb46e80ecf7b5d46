import { viewKeys } from "../../cache/keys.ts";
import type { ViewMark } from "../../cache/types.ts";
import { type DecisionExtra, type DecisionSettings, decide } from "../../domain/decide.ts";
import { actorInChannel } from "../../domain/roles.ts";
import { isLive, type PlacedStatusRef } from "../../domain/task-states.ts";
import type { LinkedTaskRef } from "../../domain/task-view.ts";
import { type DomainAction, ruleOf, TRANSITIONS } from "../../domain/transitions.ts";
import { type Evidence, parseEvidence } from "../../domain/validation/evidence.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema, transitionSchema } from "../../domain/validation/task-inputs.ts";
import type { Queryable, Tx } from "../../store/database.ts";
import type { TaskRow } from "../../store/schema.ts";
import { readTaskForChange } from "../../store/task-for-change.ts";
import { changedTaskView, type LinkedTasks, selectTaskViewsByIds } from "../../store/task-views.ts";
import { findTaskByNumber, lockTaskById } from "../../store/tasks.ts";
import type { ActionContext, TransitionInput } from "../contracts.ts";
import { type Effects, markViews } from "../effects.ts";
import type { Engine } from "../engine.ts";
import { mutate } from "../mutate.ts";
import { toSettingsView } from "../settings/settings-view.ts";
import type { ChannelSettingsView, TransitionResult } from "../views.ts";
import { canSee, requireWritable, viewFor } from "../visibility.ts";
import { applyTransition, type Decided, RowChanged } from "./apply-transition.ts";
import { refusalError, staleVersion } from "./explain-refusal.ts";
import { noSuchTask, notTheButtonsTask } from "./load-task.ts";
import { submitAlone } from "./submit-alone.ts";
import { transitionAlone } from "./transition-alone.ts";

export type Input = ReturnType<typeof transitionSchema.parse>;
const MAX_ATTEMPTS = 5;

/**
 * Decides on the row as read, then writes it with `UPDATE … WHERE version = seen`: concurrent clicks
 * all wait on the first writer and then find the version moved. A caller who saw a version (a card's
 * button) is told what happened; a command simply runs again on the new state (and is then refused
 * with what happened, if it no longer applies). The read and the decision come before any transaction
 * (a refusal opens none); one transaction per allowed attempt.
 */
export async function transitionTask(
  engine: Engine,
  rawCtx: ActionContext,
  raw: TransitionInput,
): Promise<TransitionResult> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const input = parseInput(transitionSchema, raw);
  // A bad block is refused before anything is read or written.
  const evidence =
    input.action === "submit" && input.evidence !== undefined ? parseEvidence(input.evidence) : undefined;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const now = engine.now();
      // Read and decided before any transaction opens (the read takes no lock: the version-checked
      // update and the recheck under its lock guard the write), so a refusal costs the read and what
      // explains it, with no BEGIN or ROLLBACK; an allowed change writes in a transaction of its own.
      // The mark goes beside the read: it must only precede the write (whose view, built under its row
      // lock, is stored unless a later change out-ranks it), and an earlier mark is only more cautious.
      const [read, mark] = await Promise.all([readAndDecide(engine.db, ctx, input, now), markViews(engine)]);
      const alone =
        input.action === "submit"
          ? await submitAlone(engine, ctx, input, evidence, read, now, mark)
          : await transitionAlone(engine, ctx, input, read, now, mark);
      if (alone) return alone;
      return await mutate(engine, ctx.guildId, (tx, effects) =>
        attemptTransition(tx, engine, effects, ctx, input, evidence, read, now, mark),
      );
    } catch (error) {
      if (!(error instanceof RowChanged)) throw error;
      if (input.expectedVersion === undefined && attempt < MAX_ATTEMPTS) continue;
      const fresh = await findTaskByNumber(engine.db, ctx.guildId, input.number);
      if (!fresh) throw noSuchTask(input.number);
      requireWritable(ctx, fresh);
      throw await staleVersion(engine.db, fresh, input.action);
    }
  }
}

async function attemptTransition(
  tx: Tx,
  engine: Engine,
  effects: Effects,
  ctx: ActionContext,
  input: Input,
  evidence: Evidence | undefined,
  read: ReadAndDecided,
  now: Date,
  mark: ViewMark | undefined,
): Promise<TransitionResult> {
  const { task, settings, to, decideNow } = read;
  // What decide() read beyond the row may have changed before the row lock: decide again under it.
  const needsRecheck = (ruleOf(input.action).loads ?? []).length > 0;
  const decided: Decided = {
    ctx,
    task,
    settings,
    action: input.action,
    text: input.text,
    assigneeId: input.assigneeId,
    evidence,
    now,
    recheck: async (locked, linked) => {
      if (needsRecheck && (await decideNow(locked, linked)) !== to) throw new RowChanged();
    },
  };
  const { updated, linked, unblocked, next } = await applyTransition(tx, engine, effects, decided, to);
  // Built from what the transaction holds; a submission (in review), unblocked dependents or a next
  // occurrence (recorded on the row after the update) are read.
  const view =
    updated.status === "in_review" || unblocked.length > 0 || next !== null
      ? (await selectTaskViewsByIds(tx, [updated.id]))[0]!
      : changedTaskView(updated, linked, {
          actorId: ctx.actor.userId,
          kind: TRANSITIONS[input.action].eventKind,
          at: now.toISOString(),
          source: ctx.source,
          dependency: null,
        });
  if (mark) {
    const key = viewKeys.task(ctx.guildId, view.number);
    effects.fresh.push({ key, value: view, ttlSeconds: engine.viewTtlSeconds, mark });
  }
  return { task: viewFor(ctx, view) };
}

/** What readAndDecide read and decided: the row, its relatives and settings, and the status it goes to. */
export type ReadAndDecided = Awaited<ReturnType<typeof readAndDecide>>;

/**
 * Reads the task (with `read`, by default readTaskForChange on `q`), checks the actor's rights and the
 * version, and decides the action on the row as read.
 */
export async function readAndDecide(
  q: Queryable,
  ctx: ActionContext,
  input: Input,
  now: Date,
  read: (guildId: string, number: number) => ReturnType<typeof readTaskForChange> = (guildId, number) =>
    readTaskForChange(q, guildId, number),
) {
  const found = await read(ctx.guildId, input.number);
  if (!found) throw noSuchTask(input.number);
  const { task, linked } = found;
  // After the visibility check: a task the actor cannot see reads as no task, whatever the button says.
  const rights = requireWritable(ctx, task);
  if (input.taskId !== undefined && input.taskId !== task.id) throw notTheButtonsTask();
  if (input.expectedVersion !== undefined && input.expectedVersion !== task.version) {
    throw await staleVersion(q, task, input.action);
  }
  const settings = toSettingsView(found.settings ?? undefined, task.guildId, task.channelId);
  const decideNow = async (reader: Queryable, related: LinkedTasks) => {
    const extra = await loadExtra(reader, ctx, task, related, input.action, now);
    const decision = decide(
      task,
      input.action,
      actorInChannel(ctx.actor, rights),
      decisionSettings(settings),
      {
        ...extra,
        system: ctx.source === "system",
        assigneeId: input.assigneeId,
        text: input.text,
      },
    );
    if (!decision.ok) throw await refusalError(reader, task, input.action, decision);
    return decision.to;
  };
  return { task, linked, settings, to: await decideNow(q, linked), decideNow };
}

export function decisionSettings(settings: ChannelSettingsView): DecisionSettings {
  return {
    reviewerRoleId: settings.reviewerRoleId,
    requireReview: settings.requireReview,
    allowSelfReview: settings.allowSelfReview,
    maxAttempts: settings.maxAttempts,
  };
}

/** What the rules need beyond the row: the entry's `loads`, from the relatives read with it. */
async function loadExtra(
  q: Queryable,
  ctx: ActionContext,
  task: TaskRow,
  linked: LinkedTasks,
  action: DomainAction,
  now: Date,
): Promise<DecisionExtra> {
  const extra: DecisionExtra = { now };
  const loads = ruleOf(action).loads ?? [];
  // A refusal names related tasks; one the actor cannot see is named without its status.
  const placed = (refs: PlacedStatusRef[]) =>
    refs.map((ref) => (canSee(ctx, { ...ref, assigneeId: null }) ? ref : { ...ref, hidden: true }));
  const refs = (list: LinkedTaskRef[]) =>
    list.map(({ number, status, channelId }) => ({ number, status, channelId }));
  if (loads.includes("liveSubtasks"))
    extra.liveSubtasks = placed(refs(linked.subtasks.filter((subtask) => isLive(subtask.status))));
  if (loads.includes("openDependencies"))
    extra.openDependencies = placed(
      refs(linked.dependencies.filter((dependency) => dependency.status !== "done")),
    );
  if (loads.includes("parent") && task.parentId !== null) {
    // A share lock: a concurrent approval of the parent waits for this reopen and then sees it live.
    const parent = await lockTaskById(q as Tx, task.parentId, "share");
    extra.parent = parent ? { number: parent.number, status: parent.status } : null;
  }
  return extra;
}
