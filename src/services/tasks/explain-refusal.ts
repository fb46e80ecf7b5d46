import type { Decision } from "../../domain/decide.ts";
import {
  ConflictError,
  ForbiddenError,
  InvalidTransitionError,
  type UserError,
  ValidationError,
} from "../../domain/errors.ts";
import { type DomainAction, PAST_TENSE, ruleOf } from "../../domain/transitions.ts";
import type { Queryable } from "../../store/database.ts";
import { latestEvent } from "../../store/events.ts";
import type { TaskRow } from "../../store/schema.ts";

/** "Already" fits a status or assignment change, not an edit or a comment. */
const already = (action: DomainAction, eventKind: string) =>
  ruleOf(action).transition && eventKind === ruleOf(action).eventKind;

/** "#12 was already approved by <@id>." or "#12 changed since you saw it: it was claimed by <@id>." */
async function whatHappened(q: Queryable, task: TaskRow, action: DomainAction): Promise<string | null> {
  const event = await latestEvent(q, task.id);
  const past = event && PAST_TENSE[event.kind];
  if (!event || !past) return null;
  const by = `by <@${event.actorId}>`;
  if (already(action, event.kind)) return `#${task.number} was already ${past} ${by}.`;
  return `#${task.number} changed since you saw it: it was ${past} ${by}.`;
}

/** The user acted on an old version (a button on an old card): say what happened since. */
export async function staleVersion(
  q: Queryable,
  task: TaskRow,
  action: DomainAction,
): Promise<ConflictError> {
  const message =
    (await whatHappened(q, task, action)) ?? `#${task.number} changed since you saw it; look again.`;
  return new ConflictError(message, task.version);
}

/** A refusal from decide() as the error the user reads; a lost race is told as what happened. */
export async function refusalError(
  q: Queryable,
  task: TaskRow,
  action: DomainAction,
  decision: Extract<Decision, { ok: false }>,
): Promise<UserError> {
  if (decision.kind === "invalid") return new ValidationError(decision.field, decision.reason);
  if (decision.kind === "forbidden") return new ForbiddenError(decision.reason);
  const event = await latestEvent(q, task.id);
  const past = event && PAST_TENSE[event.kind];
  if (event && past && already(action, event.kind)) {
    return new ConflictError(`#${task.number} was already ${past} by <@${event.actorId}>.`, task.version);
  }
  return new InvalidTransitionError(decision.reason);
}
