import type { Role } from "./roles.ts";
import { LIVE_STATUSES, TASK_STATUSES, type TaskStatus, TERMINAL_STATUSES } from "./task-states.ts";

/** The status-changing actions of DESIGN.md's table, plus the actions that only touch a task's content. */
export const DOMAIN_ACTIONS = [
  "claim",
  "assign",
  "unassign",
  "start",
  "submit",
  "approve",
  "request_rework",
  "release",
  "fail",
  "block",
  "unblock",
  "cancel",
  "reopen",
  "edit",
  "progress",
  "comment",
  "add_dependency",
  "remove_dependency",
  "ask",
  "answer",
] as const;
export type DomainAction = (typeof DOMAIN_ACTIONS)[number];

/** The actions a user asks for through TaskService.transition (the rest have their own methods). */
export const TRANSITION_ACTIONS = DOMAIN_ACTIONS.slice(0, 13) as readonly DomainAction[] as readonly [
  "claim",
  ...Exclude<
    DomainAction,
    "edit" | "progress" | "comment" | "add_dependency" | "remove_dependency" | "ask" | "answer"
  >[],
];

export interface TransitionRule {
  from: readonly TaskStatus[];
  /** "same" keeps the status; decide() refines submit/fail/reopen from settings and context. */
  to: TaskStatus | "same";
  who: readonly Role[];
  /** How the action reads in a refusal: "only a reviewer can approve it". */
  verb: string;
  /** The task_events kind it records; also used to explain a lost race ("already approved by …"). */
  eventKind: string;
  /** A reason or note that must not be empty. */
  needsText?: boolean;
}

const ALL = TASK_STATUSES;
const ASSIGNABLE = ["open", "blocked"] as const satisfies readonly TaskStatus[];
const STEWARDS = ["assignee", "creator", "reviewer", "admin"] as const satisfies readonly Role[];

/** DESIGN.md "Task states", as data. One entry per action; decide() is the only reader. */
export const TRANSITIONS: Record<DomainAction, TransitionRule> = {
  claim: { from: ASSIGNABLE, to: "same", who: ["anyone"], verb: "claim", eventKind: "claimed" },
  // Assigning yourself is a claim (anyone); assigning someone else needs the creator or a reviewer.
  assign: {
    from: ASSIGNABLE,
    to: "same",
    who: ["creator", "reviewer", "admin"],
    verb: "assign",
    eventKind: "assigned",
  },
  unassign: { from: ASSIGNABLE, to: "same", who: STEWARDS, verb: "unassign", eventKind: "unassigned" },
  start: { from: ["open"], to: "in_progress", who: ["assignee"], verb: "start", eventKind: "started" },
  submit: {
    from: ["in_progress"],
    to: "in_review",
    who: ["assignee"],
    verb: "submit",
    eventKind: "submitted",
  },
  approve: {
    from: ["in_review"],
    to: "done",
    who: ["reviewer", "admin"],
    verb: "approve",
    eventKind: "approved",
  },
  request_rework: {
    from: ["in_review"],
    to: "in_progress",
    who: ["reviewer", "admin"],
    verb: "send back for rework",
    eventKind: "rework_requested",
    needsText: true,
  },
  release: {
    from: ["in_progress"],
    to: "open",
    who: ["assignee", "system"],
    verb: "release",
    eventKind: "released",
  },
  fail: { from: ["in_progress"], to: "open", who: ["assignee", "system"], verb: "fail", eventKind: "failed" },
  block: {
    from: ["open", "in_progress"],
    to: "blocked",
    who: STEWARDS,
    verb: "block",
    eventKind: "blocked",
    needsText: true,
  },
  unblock: {
    from: ["blocked"],
    to: "open",
    who: [...STEWARDS, "system"],
    verb: "unblock",
    eventKind: "unblocked",
  },
  cancel: {
    from: LIVE_STATUSES,
    to: "cancelled",
    who: ["creator", "reviewer", "admin"],
    verb: "cancel",
    eventKind: "cancelled",
  },
  reopen: {
    from: TERMINAL_STATUSES,
    to: "open",
    who: ["creator", "reviewer", "admin"],
    verb: "reopen",
    eventKind: "reopened",
  },
  edit: { from: ALL, to: "same", who: STEWARDS, verb: "edit", eventKind: "edited" },
  progress: {
    from: ["in_progress"],
    to: "same",
    who: ["assignee"],
    verb: "report progress on",
    eventKind: "progress",
  },
  comment: { from: ALL, to: "same", who: ["anyone"], verb: "comment on", eventKind: "commented" },
  add_dependency: {
    from: ["open", "in_progress", "blocked"],
    to: "same",
    who: STEWARDS,
    verb: "add a dependency to",
    eventKind: "dependency_added",
  },
  remove_dependency: {
    from: ["open", "in_progress", "blocked"],
    to: "same",
    who: STEWARDS,
    verb: "remove a dependency from",
    eventKind: "dependency_removed",
  },
  // A question pauses the lease; the answer (by whoever the task answers to) resumes it.
  ask: {
    from: ["in_progress"],
    to: "same",
    who: ["assignee"],
    verb: "ask a question on",
    eventKind: "question_asked",
  },
  answer: {
    from: ["in_progress"],
    to: "same",
    who: ["creator", "reviewer", "admin"],
    verb: "answer a question on",
    eventKind: "answered",
  },
};
