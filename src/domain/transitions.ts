import type { Role } from "./roles.ts";
import { LIVE_STATUSES, TASK_STATUSES, type TaskStatus, TERMINAL_STATUSES } from "./task-states.ts";

/** What decide() may need beyond the task row; the service loads it in the transaction (loadExtra). */
export type DecisionLoad = "liveSubtasks" | "openDependencies" | "parent";

/**
 * The form (a Discord modal) a card button opens for the text its action takes: a rework reason, a
 * submission note, an answer. Its `id` is the modal's custom_id word, public like the button's.
 */
export interface CardForm {
  id: string;
  /** Before the task number: "Request rework on" → "Request rework on #12". */
  title: string;
  /** The text input's custom_id (the submit handler reads it back) and its label. */
  field: string;
  label: string;
  required: boolean;
  maxLength: number;
  placeholder: string;
}

/** A card button's look, independent of discord.js (src/discord/render/task-buttons.ts maps the style). */
export interface CardButton {
  /** The custom_id's action word; public interface, as cards already posted carry it. */
  id: string;
  /** Public interface too: users' habits and the sandbox's `click <label>` depend on it. */
  label: string;
  /** The label where the channel does not require review (Submit for review → Mark done). */
  labelWithoutReview?: string;
  style: "primary" | "secondary" | "success" | "danger";
  /** The statuses whose card shows it (a subset of `from`). */
  on: readonly TaskStatus[];
  /** Shown only while the assignee's question waits for an answer. */
  whileQuestion?: boolean;
  /**
   * Shown only while the task has an assignee (true) or has none (false): the buttons decide() would
   * always refuse otherwise (Claim of an assigned task, Start of an unassigned one) are left off.
   */
  whileAssigned?: boolean;
  /** Opens this form instead of acting at once; the action runs when the form is sent. */
  form?: CardForm;
}

/**
 * One action, described once: everything else (the transition list, the recheck list, the past tense
 * of refusals, the card buttons, the service's action names) is derived from these entries.
 */
export interface TransitionRule {
  from: readonly TaskStatus[];
  /** "same" keeps the status; decide() refines submit/fail/reopen from settings and context. */
  to: TaskStatus | "same";
  who: readonly Role[];
  /** How the action reads in a refusal: "only a reviewer can approve it". */
  verb: string;
  /** The task_events kind it records; also used to explain a lost race ("already approved by …"). */
  eventKind: string;
  /** How that event reads in "#12 was already approved by …"; null when it never explains a change. */
  past: string | null;
  /** Asked for through TaskService.transition; false for content changes with their own methods. */
  transition: boolean;
  /** Loaded for decide() and, because other rows can change under it, decided again under the row lock. */
  loads?: readonly DecisionLoad[];
  /** A reason or note that must not be empty. */
  needsText?: boolean;
  /** Closing a recurring task this way (to done, or skipped) creates its next occurrence in the same transaction. */
  continuesSeries?: boolean;
  /** Its card buttons: usually one; Submit also has one that opens a form for a note. */
  buttons?: readonly CardButton[];
}

const ALL = TASK_STATUSES;
const ASSIGNABLE = ["open", "blocked"] as const satisfies readonly TaskStatus[];
const STEWARDS = ["assignee", "creator", "reviewer", "admin"] as const satisfies readonly Role[];

/** The state table (docs/architecture.md), as data: how to add an action is there too. */
export const TRANSITIONS = {
  claim: {
    from: ASSIGNABLE,
    to: "same",
    who: ["anyone"],
    verb: "claim",
    eventKind: "claimed",
    past: "claimed",
    transition: true,
    buttons: [{ id: "claim", label: "Claim", style: "primary", on: ["open"], whileAssigned: false }],
  },
  // Assigning yourself is a claim (anyone); assigning someone else needs the creator or a reviewer.
  assign: {
    from: ASSIGNABLE,
    to: "same",
    who: ["creator", "reviewer", "admin"],
    verb: "assign",
    eventKind: "assigned",
    past: "assigned",
    transition: true,
  },
  unassign: {
    from: ASSIGNABLE,
    to: "same",
    who: STEWARDS,
    verb: "unassign",
    eventKind: "unassigned",
    past: "unassigned",
    transition: true,
  },
  start: {
    from: ["open"],
    to: "in_progress",
    who: ["assignee"],
    verb: "start",
    eventKind: "started",
    past: "started",
    transition: true,
    buttons: [{ id: "start", label: "Start", style: "success", on: ["open"], whileAssigned: true }],
  },
  submit: {
    from: ["in_progress"],
    to: "in_review",
    who: ["assignee"],
    verb: "submit",
    eventKind: "submitted",
    past: "submitted",
    transition: true,
    loads: ["liveSubtasks"],
    continuesSeries: true,
    buttons: [
      {
        id: "submit",
        label: "Submit for review",
        labelWithoutReview: "Mark done",
        style: "success",
        on: ["in_progress"],
        whileAssigned: true,
      },
      {
        id: "submit-note",
        label: "Submit with a note",
        labelWithoutReview: "Mark done with a note",
        style: "secondary",
        on: ["in_progress"],
        whileAssigned: true,
        form: {
          id: "submit-note-text",
          title: "Hand in",
          field: "note",
          label: "Note (optional)",
          required: false,
          maxLength: 4000,
          placeholder: "What you did, where to look",
        },
      },
    ],
  },
  release: {
    from: ["in_progress"],
    to: "open",
    who: ["assignee", "system"],
    verb: "release",
    eventKind: "released",
    past: "released",
    transition: true,
    buttons: [
      { id: "release", label: "Release", style: "secondary", on: ["in_progress"], whileAssigned: true },
    ],
  },
  approve: {
    from: ["in_review"],
    to: "done",
    who: ["reviewer", "admin"],
    verb: "approve",
    eventKind: "approved",
    past: "approved",
    transition: true,
    loads: ["liveSubtasks"],
    continuesSeries: true,
    buttons: [{ id: "approve", label: "Approve", style: "success", on: ["in_review"] }],
  },
  request_rework: {
    from: ["in_review"],
    to: "in_progress",
    who: ["reviewer", "admin"],
    verb: "send back for rework",
    eventKind: "rework_requested",
    past: "sent back for rework",
    transition: true,
    needsText: true,
    buttons: [
      {
        id: "rework",
        label: "Request rework",
        style: "danger",
        on: ["in_review"],
        form: {
          id: "rework-reason",
          title: "Request rework on",
          field: "reason",
          label: "Reason",
          required: true,
          maxLength: 1000,
          placeholder: "What needs to change?",
        },
      },
    ],
  },
  fail: {
    from: ["in_progress"],
    to: "open",
    who: ["assignee", "system"],
    verb: "fail",
    eventKind: "failed",
    past: "marked failed",
    transition: true,
  },
  block: {
    from: ["open", "in_progress"],
    to: "blocked",
    who: STEWARDS,
    verb: "block",
    eventKind: "blocked",
    past: "blocked",
    transition: true,
    needsText: true,
  },
  unblock: {
    from: ["blocked"],
    to: "open",
    who: [...STEWARDS, "system"],
    verb: "unblock",
    eventKind: "unblocked",
    past: "unblocked",
    transition: true,
    loads: ["openDependencies"],
    buttons: [{ id: "unblock", label: "Unblock", style: "primary", on: ["blocked"] }],
  },
  cancel: {
    from: LIVE_STATUSES,
    to: "cancelled",
    who: ["creator", "reviewer", "admin"],
    verb: "cancel",
    eventKind: "cancelled",
    past: "cancelled",
    transition: true,
  },
  // "Skip this one": cancels this occurrence of a recurring task and creates the next (cancel ends the series).
  skip: {
    from: LIVE_STATUSES,
    to: "cancelled",
    who: ["creator", "reviewer", "admin"],
    verb: "skip",
    eventKind: "skipped",
    past: "skipped",
    transition: true,
    continuesSeries: true,
  },
  reopen: {
    from: TERMINAL_STATUSES,
    to: "open",
    who: ["creator", "reviewer", "admin"],
    verb: "reopen",
    eventKind: "reopened",
    past: "reopened",
    transition: true,
    loads: ["openDependencies", "parent"],
    buttons: [{ id: "reopen", label: "Reopen", style: "secondary", on: TERMINAL_STATUSES }],
  },
  edit: {
    from: ALL,
    to: "same",
    who: STEWARDS,
    verb: "edit",
    eventKind: "edited",
    past: "edited",
    transition: false,
  },
  progress: {
    from: ["in_progress"],
    to: "same",
    who: ["assignee"],
    verb: "report progress on",
    eventKind: "progress",
    past: "updated",
    transition: false,
  },
  // A comment changes neither the task nor its version, so it never explains a stale card.
  comment: {
    from: ALL,
    to: "same",
    who: ["anyone"],
    verb: "comment on",
    eventKind: "commented",
    past: null,
    transition: false,
  },
  add_dependency: {
    from: ["open", "in_progress", "blocked"],
    to: "same",
    who: STEWARDS,
    verb: "add a dependency to",
    eventKind: "dependency_added",
    past: "given a dependency",
    transition: false,
  },
  remove_dependency: {
    from: ["open", "in_progress", "blocked"],
    to: "same",
    who: STEWARDS,
    verb: "remove a dependency from",
    eventKind: "dependency_removed",
    past: "freed of a dependency",
    transition: false,
  },
  // A question pauses the lease; the answer (by whoever the task answers to) resumes it.
  ask: {
    from: ["in_progress"],
    to: "same",
    who: ["assignee"],
    verb: "ask a question on",
    eventKind: "question_asked",
    past: "asked about",
    transition: false,
  },
  answer: {
    from: ["in_progress"],
    to: "same",
    who: ["creator", "reviewer", "admin"],
    verb: "answer a question on",
    eventKind: "answered",
    past: "answered",
    transition: false,
    buttons: [
      {
        id: "answer",
        label: "Answer",
        style: "primary",
        on: ["in_progress"],
        whileQuestion: true,
        form: {
          id: "answer-text",
          title: "Answer the question on",
          field: "text",
          label: "Answer",
          required: true,
          maxLength: 1000,
          placeholder: "Your answer for the assignee",
        },
      },
    ],
  },
} as const satisfies Record<string, TransitionRule>;

type Transitions = typeof TRANSITIONS;
export type DomainAction = keyof Transitions;

/** Every action of the table, in its order. */
export const DOMAIN_ACTIONS = Object.keys(TRANSITIONS) as DomainAction[];

/** The actions a user asks for through TaskService.transition (the rest have their own methods). */
export type TransitionAction = {
  [A in DomainAction]: Transitions[A]["transition"] extends true ? A : never;
}[DomainAction];
export const TRANSITION_ACTIONS = DOMAIN_ACTIONS.filter((action) => TRANSITIONS[action].transition) as [
  TransitionAction,
  ...TransitionAction[],
];

/** Asked for through TaskService.transition (the other button actions have methods of their own). */
export function isTransitionAction(action: DomainAction): action is TransitionAction {
  return TRANSITIONS[action].transition;
}

/** How each recorded event kind reads in the past tense (the kinds no action records included). */
export const PAST_TENSE: Readonly<Record<string, string>> = {
  created: "created",
  // The reminders job, at the due time (src/services/jobs/send-reminders.ts).
  overdue: "marked overdue",
  ...Object.fromEntries(
    DOMAIN_ACTIONS.flatMap((action) => {
      const rule: TransitionRule = TRANSITIONS[action];
      return rule.past === null ? [] : [[rule.eventKind, rule.past]];
    }),
  ),
};

/** An entry, typed as the general rule (TRANSITIONS keeps the literal types for the derived ones). */
export function ruleOf(action: DomainAction): TransitionRule {
  return TRANSITIONS[action];
}
