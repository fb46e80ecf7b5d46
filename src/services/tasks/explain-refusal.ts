import type { Decision } from "../../domain/decide.ts";
import {
  ConflictError,
  ForbiddenError,
  InvalidTransitionError,
  type UserError,
  ValidationError,
} from "../../domain/errors.ts";
import { type DomainAction, TRANSITION_ACTIONS, TRANSITIONS } from "../../domain/transitions.ts";
import type { Queryable } from "../../store/database.ts";
import { latestEvent } from "../../store/events.ts";
import type { TaskRow } from "../../store/schema.ts";

const PAST: Record<string, string> = {
  created: "created",
  claimed: "claimed",
  assigned: "assigned",
  unassigned: "unassigned",
  started: "started",
  submitted: "submitted",
  approved: "approved",
  rework_requested: "sent back for rework",
  released: "released",
  failed: "marked failed",
  blocked: "blocked",
  unblocked: "unblocked",
  cancelled: "cancelled",
  reopened: "reopened",
  edited: "edited",
  progress: "updated",
  dependency_added: "given a dependency",
  dependency_removed: "freed of a dependency",
};

/** "Already" fits a status or assignment change, not an edit or a comment. */
const isTransition = (action: DomainAction) => (TRANSITION_ACTIONS as readonly string[]).includes(action);

/** "#12 was already approved by <@id>." or "#12 changed since you saw it: it was claimed by <@id>." */
async function whatHappened(q: Queryable, task: TaskRow, action: DomainAction): Promise<string | null> {
  const event = await latestEvent(q, task.id);
  if (!event || !(event.kind in PAST)) return null;
  const by = `by <@${event.actorId}>`;
  if (event.kind === TRANSITIONS[action].eventKind && isTransition(action)) {
    return `#${task.number} was already ${PAST[event.kind]} ${by}.`;
  }
  return `#${task.number} changed since you saw it: it was ${PAST[event.kind]} ${by}.`;
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
  if (event && event.kind === TRANSITIONS[action].eventKind && event.kind in PAST && isTransition(action)) {
    return new ConflictError(
      `#${task.number} was already ${PAST[event.kind]} by <@${event.actorId}>.`,
      task.version,
    );
  }
  return new InvalidTransitionError(decision.reason);
}
