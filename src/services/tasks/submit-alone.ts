import type { ViewMark } from "../../cache/types.ts";
import { isLive } from "../../domain/task-states.ts";
import { TRANSITIONS } from "../../domain/transitions.ts";
import type { Evidence } from "../../domain/validation/evidence.ts";
import { submitTaskCombined } from "../../store/submit-alone.ts";
import { toAttemptView } from "../../store/task-views.ts";
import type { ActionContext } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import { mutateAlone } from "../mutate.ts";
import type { TransitionResult } from "../views.ts";
import { cardDueAt, eventDetails, isDue } from "./record-change.ts";
import type { Input, ReadAndDecided } from "./transition-task.ts";
import { writtenAlone } from "./written-alone.ts";

/**
 * A submit without a transaction: the row read and decided as the transaction path does (every
 * refusal the same sentence), then written in one statement (store/submit-alone.ts) with the rows
 * apply-transition.ts would write for it. undefined when it does not apply (a recurring task or blocked
 * dependents to carry along on done) or wrote nothing (the row held or moved on meanwhile): the
 * transaction path runs instead.
 */
export async function submitAlone(
  engine: Engine,
  ctx: ActionContext,
  input: Input,
  evidence: Evidence | undefined,
  read: ReadAndDecided,
  now: Date,
  mark?: ViewMark,
): Promise<TransitionResult | undefined> {
  const { task, linked, settings, to } = read;
  if (to !== "done" && to !== "in_review") return undefined;
  if (to === "done" && (task.recurrence !== null || linked.blocks.some((b) => b.status === "blocked")))
    return undefined;
  const actorId = ctx.actor.userId;
  const summary = input.text || evidence?.summary || null;
  const kind = TRANSITIONS.submit.eventKind;
  const cardDue = cardDueAt(ctx.source, now);
  const reviewRequest = to === "in_review" && settings.notifyReviewers !== "off";
  const creatorNotice = to === "done" && settings.notifyCreator !== "off" && task.createdBy !== actorId;
  return mutateAlone(engine, ctx.guildId, async (effects) => {
    // Submits arriving together share one statement (store/submit-alone.ts submitTaskCombined).
    const written = await submitTaskCombined(engine.database, {
      taskId: task.id,
      version: task.version,
      from: task.status,
      to,
      kind,
      actorId,
      source: ctx.source,
      now,
      details: eventDetails({
        note: summary,
        evidence: evidence ? true : undefined,
        reviewSkipped: to === "done" ? true : undefined,
      }),
      summary,
      result: (evidence as Record<string, unknown> | undefined) ?? null,
      cardDueAt: cardDue,
      reviewRequest,
      creatorNotice,
      shownOn: input.shownOn ?? null,
    });
    if (!written) return undefined;
    // A clicked submit's card row waits for the click to show it: wake the dispatchers for notices only.
    effects.outbox = reviewRequest || creatorNotice || isDue(cardDue, now);
    // Only a channel with a limit keeps a counter of its live tasks.
    if (settings.queueLimit !== null && isLive(task.status) !== isLive(to))
      effects.gateRecount.add(task.channelId);
    // In review, the view shows the attempt handed in (as selectTaskViews reads it).
    const submission = to === "in_review" ? toAttemptView(written.submission) : null;
    return writtenAlone(engine, ctx, effects, { ...written, from: task.status, kind, now }, mark, submission);
  });
}
