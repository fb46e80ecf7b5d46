import { type DomainActor, type Role, rolesOf, roleWords } from "./roles.ts";
import { listRefs, type StatusRef, statusWords, type TaskStatus } from "./task-states.ts";
import { type DomainAction, ruleOf } from "./transitions.ts";

export interface DecisionTask {
  number: number;
  status: TaskStatus;
  assigneeId: string | null;
  createdBy: string;
  /** Failed attempts so far. */
  attempts: number;
  nextAttemptAt: Date | null;
}

export interface DecisionSettings {
  reviewerRoleId: string | null;
  requireReview: boolean;
  allowSelfReview: boolean;
  maxAttempts: number;
}

/** What the rules need beyond the task row; the service loads it inside the transaction. */
export interface DecisionExtra {
  now?: Date;
  /** A background job acting (lease expiry): grants the `system` role. */
  system?: boolean;
  /** assign: who to assign. */
  assigneeId?: string | null;
  /** Reason or note. */
  text?: string | null;
  liveSubtasks?: readonly StatusRef[];
  openDependencies?: readonly StatusRef[];
  parent?: StatusRef | null;
}

/** `state`: not possible from here (InvalidTransitionError); `forbidden`: not by this actor (ForbiddenError). */
export type Decision =
  | { ok: true; to: TaskStatus }
  | { ok: false; reason: string; kind: "state" | "forbidden" }
  /** Something the action needs is missing; `field` names the input. */
  | { ok: false; reason: string; kind: "invalid"; field: string };

const refuse = (kind: "state" | "forbidden", reason: string): Decision => ({ ok: false, kind, reason });
const invalid = (field: string, reason: string): Decision => ({ ok: false, kind: "invalid", field, reason });

/** The one function that owns the state table (TRANSITIONS, docs/architecture.md). Pure: same inputs, same answer. */
export function decide(
  task: DecisionTask,
  action: DomainAction,
  actor: DomainActor,
  settings: DecisionSettings,
  extra: DecisionExtra = {},
): Decision {
  const rule = ruleOf(action);
  const ref = `#${task.number}`;
  if (!rule.from.includes(task.status)) {
    if (rule.to === task.status) return refuse("state", `${ref} is already ${statusWords(task.status)}.`);
    const allowed = rule.from.map(statusWords);
    const list = allowed.length > 1 ? `${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}` : allowed[0];
    return refuse(
      "state",
      `${ref} is ${statusWords(task.status)}; you can only ${rule.verb} a task that is ${list}.`,
    );
  }
  const early = assigneeChecks(task, action, actor, extra);
  if (early) return early;

  const roles = rolesOf(actor, task, settings, extra.system === true);
  const selfAssign = action === "assign" && extra.assigneeId === actor.userId;
  const who: readonly Role[] = selfAssign ? ["anyone"] : rule.who;
  if (!who.some((role) => roles.has(role))) {
    const words = roleWords(visibleRoles(who, task.assigneeId !== null)).replace(
      "the assignee",
      `the assignee (<@${task.assigneeId}>)`,
    );
    return refuse("forbidden", `${ref} is ${statusWords(task.status)}; only ${words} can ${rule.verb} it.`);
  }
  if (rule.needsText && !extra.text?.trim()) {
    return invalid("text", `A reason is required to ${rule.verb} ${ref}.`);
  }
  return ruleChecks(task, action, actor, settings, extra);
}

/** Users never read about the system role, admin is implied by reviewer, and nobody is "the assignee" of an unassigned task. */
function visibleRoles(who: readonly Role[], assigned: boolean): Role[] {
  return who.filter(
    (role) =>
      role !== "system" &&
      !(role === "admin" && who.includes("reviewer")) &&
      (role !== "assignee" || assigned),
  );
}

function assigneeChecks(
  task: DecisionTask,
  action: DomainAction,
  actor: DomainActor,
  extra: DecisionExtra,
): Decision | null {
  const ref = `#${task.number}`;
  const current = task.assigneeId;
  switch (action) {
    case "claim":
      if (current === actor.userId) return refuse("state", `${ref} is already yours.`);
      if (current !== null) return refuse("state", `${ref} is already assigned to <@${current}>.`);
      return null;
    case "assign":
      if (!extra.assigneeId) return invalid("assigneeId", `Say who should be assigned to ${ref}.`);
      if (extra.assigneeId === current)
        return refuse("state", `${ref} is already assigned to <@${current}>.`);
      return null;
    case "unassign":
      return current === null ? refuse("state", `${ref} has no assignee.`) : null;
    case "start":
    case "submit":
    case "progress":
      return current === null ? refuse("state", `${ref} has no assignee; claim it first.`) : null;
    // Only a task someone holds can be handed back (an imported task may be in progress with nobody).
    case "release":
      return current === null ? refuse("state", `${ref} has no assignee to release it.`) : null;
    default:
      return null;
  }
}

function ruleChecks(
  task: DecisionTask,
  action: DomainAction,
  actor: DomainActor,
  settings: DecisionSettings,
  extra: DecisionExtra,
): Decision {
  const ref = `#${task.number}`;
  const rule = ruleOf(action);
  const to = rule.to === "same" ? task.status : rule.to;
  const liveSubtasks = extra.liveSubtasks ?? [];
  const openDependencies = extra.openDependencies ?? [];
  const now = extra.now ?? new Date();
  switch (action) {
    case "start":
      if (task.nextAttemptAt && task.nextAttemptAt > now) {
        const at = Math.ceil(task.nextAttemptAt.getTime() / 1000);
        return refuse("state", `${ref} is waiting before its next attempt; it can start <t:${at}:R>.`);
      }
      return { ok: true, to };
    case "submit": {
      if (settings.requireReview) return { ok: true, to: "in_review" };
      return liveSubtasks.length > 0 ? subtaskRefusal(ref, liveSubtasks) : { ok: true, to: "done" };
    }
    case "approve":
      if (task.assigneeId === actor.userId && !settings.allowSelfReview) {
        return refuse("forbidden", `You can't approve your own work on ${ref}; another reviewer has to.`);
      }
      return liveSubtasks.length > 0 ? subtaskRefusal(ref, liveSubtasks) : { ok: true, to };
    case "fail":
      return { ok: true, to: task.attempts + 1 >= settings.maxAttempts ? "failed" : "open" };
    case "unblock":
      if (openDependencies.length > 0)
        return refuse("state", `${ref} still waits on ${listRefs(openDependencies)}.`);
      return { ok: true, to };
    case "reopen":
      if (extra.parent && !["open", "in_progress", "in_review", "blocked"].includes(extra.parent.status)) {
        const parent = `#${extra.parent.number}`;
        return refuse(
          "state",
          `${ref} is a subtask of ${parent}, which is ${statusWords(extra.parent.status)}; reopen ${parent} first.`,
        );
      }
      return { ok: true, to: openDependencies.length > 0 ? "blocked" : "open" };
    default:
      return { ok: true, to };
  }
}

function subtaskRefusal(ref: string, liveSubtasks: readonly StatusRef[]): Decision {
  return refuse(
    "state",
    `${ref} can't be done while its subtasks are live: ${listRefs(liveSubtasks)}. Finish or cancel them first.`,
  );
}
