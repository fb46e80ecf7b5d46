/** The vocabulary of the task engine. The store's schema re-exports these for its checks. */

export const TASK_STATUSES = [
  "open",
  "in_progress",
  "in_review",
  "blocked",
  "done",
  "cancelled",
  "failed",
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES = ["done", "cancelled", "failed"] as const satisfies readonly TaskStatus[];
export const LIVE_STATUSES = [
  "open",
  "in_progress",
  "in_review",
  "blocked",
] as const satisfies readonly TaskStatus[];

/** What a list may be filtered by: a status, the live ones (the default), or all. */
export const STATUS_FILTERS = ["live", ...TASK_STATUSES, "all"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const PRIORITIES = ["low", "medium", "high", "critical"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const EVENT_SOURCES = [
  "slash",
  "button",
  "modal",
  "mention",
  "context_menu",
  "system",
  "import",
] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export const REVIEW_VERDICTS = ["approved", "changes_requested"] as const;
export type ReviewVerdict = (typeof REVIEW_VERDICTS)[number];

export const AUTO_ASSIGN_MODES = ["off", "least_loaded"] as const;
export type AutoAssignMode = (typeof AUTO_ASSIGN_MODES)[number];

export function isLive(status: TaskStatus): boolean {
  return (LIVE_STATUSES as readonly TaskStatus[]).includes(status);
}

export function isTerminal(status: TaskStatus): boolean {
  return !isLive(status);
}

const STATUS_WORDS: Record<TaskStatus, string> = {
  open: "open",
  in_progress: "in progress",
  in_review: "in review",
  blocked: "blocked",
  done: "done",
  cancelled: "cancelled",
  failed: "failed",
};

/** "in review", "in progress": how a status reads in a sentence. */
export function statusWords(status: TaskStatus): string {
  return STATUS_WORDS[status];
}

export interface StatusRef {
  number: number;
  status: TaskStatus;
  /** In a channel the reader cannot see: its status is not told. */
  hidden?: boolean;
}

export interface PlacedStatusRef extends StatusRef {
  channelId: string;
}

/** "#13 (open), #14 (in progress), #15 (private)" */
export function listRefs(refs: readonly StatusRef[]): string {
  return refs.map((ref) => `#${ref.number} (${ref.hidden ? "private" : statusWords(ref.status)})`).join(", ");
}

/** How an attempt (start → …) ended; an attempt still running has none. */
export const ATTEMPT_OUTCOMES = ["submitted", "failed", "expired", "released"] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** Who a channel tells, and how: ping the role/user, name it without a ping, or say nothing. */
export const NOTIFY_MODES = ["ping", "mention", "off"] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

/** How a recurring task repeats: its next occurrence is due one period after the last one. */
export const RECURRENCES = ["daily", "weekdays", "weekly", "monthly"] as const;
export type Recurrence = (typeof RECURRENCES)[number];

/** The due-date filters of `/tasks list due:` (all of them live tasks only). */
export const DUE_FILTERS = ["overdue", "today", "week"] as const;
export type DueFilter = (typeof DUE_FILTERS)[number];
