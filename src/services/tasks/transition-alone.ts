import type { ViewMark } from "../../cache/types.ts";
import { isLive } from "../../domain/task-states.ts";
import { TRANSITIONS } from "../../domain/transitions.ts";
import { type TransitionAlone, transitionTaskAlone } from "../../store/transition-alone.ts";
import type { ActionContext } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import { mutateAlone } from "../mutate.ts";
import type { TransitionResult } from "../views.ts";
import { cardDueAt, eventDetails, isDue } from "./record-change.ts";
import type { Input, ReadAndDecided } from "./transition-task.ts";
import { writtenAlone } from "./written-alone.ts";

/** The status each action written alone goes to (claim keeps it): anything else is the transaction path's. */
const ALONE = {
  claim: (from: string) => from,
  start: () => "in_progress",
  approve: () => "done",
} as const satisfies Partial<Record<Input["action"], (from: string) => string>>;

/**
 * A claim, a start or an approve without a transaction: the row read and decided as the transaction
 * path does (every refusal the same sentence), then written in one statement
 * (store/transition-alone.ts) with the rows apply-transition.ts would write for it. undefined when it
 * wrote nothing (the row held or moved on; a start by one of the guild's agents, whose capacity and
 * lease the locking path checks; an approve with a next occurrence or dependents to unblock) or for
 * any other action: the transaction path runs instead. A submit has its own (submit-alone.ts).
 */
export async function transitionAlone(
  engine: Engine,
  ctx: ActionContext,
  input: Input,
  read: ReadAndDecided,
  now: Date,
  mark?: ViewMark,
): Promise<TransitionResult | undefined> {
  const { task, settings, to } = read;
  const action = input.action;
  if (!(action in ALONE)) return undefined;
  const step = action as keyof typeof ALONE;
  if (to !== ALONE[step](task.status)) return undefined;
  const actorId = ctx.actor.userId;
  const kind = TRANSITIONS[step].eventKind;
  const cardDue = cardDueAt(ctx.source, now);
  const creatorNotice = step === "approve" && settings.notifyCreator !== "off" && task.createdBy !== actorId;
  const details: Record<TransitionAlone["action"], Record<string, unknown>> = {
    claim: { assigneeId: actorId },
    start: { attempt: task.attempts + 1 },
    approve: { comment: input.text },
  };
  return mutateAlone(engine, ctx.guildId, async (effects) => {
    const written = await transitionTaskAlone(engine.database, {
      action: step,
      taskId: task.id,
      version: task.version,
      from: task.status,
      kind,
      actorId,
      source: ctx.source,
      now,
      details: eventDetails(details[step]),
      cardDueAt: cardDue,
      comment: input.text || null,
      creatorNotice,
      shownOn: input.shownOn ?? null,
    });
    if (!written) return undefined;
    // A clicked card's row waits for the click to show it: wake the dispatchers for the notice only.
    effects.outbox = creatorNotice || isDue(cardDue, now);
    // Only a channel with a limit keeps a counter of its live tasks.
    if (settings.queueLimit !== null && isLive(task.status) !== isLive(to))
      effects.gateRecount.add(task.channelId);
    return writtenAlone(engine, ctx, effects, { ...written, from: task.status, kind, now }, mark);
  });
}
