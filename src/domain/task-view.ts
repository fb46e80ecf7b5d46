import type { AttemptOutcome, EventSource, Priority, Recurrence, TaskStatus } from "./task-states.ts";

/** A task as its card, lists and agents see it: plain values, dates as ISO strings. */
export interface TaskRef {
  number: number;
  title: string;
  status: TaskStatus;
}

/** A related task (parent, subtask, dependency) with the channel it lives in. */
export interface LinkedTaskRef extends TaskRef {
  channelId: string;
  hidden?: undefined;
}

/** A related task in a channel the viewer cannot see: only its number, shown as "#N (private)". */
export interface HiddenRef {
  number: number;
  hidden: true;
}

export type LinkedRef = LinkedTaskRef | HiddenRef;

export interface TaskView {
  id: number;
  guildId: string;
  channelId: string;
  number: number;
  title: string;
  description: string;
  status: TaskStatus;
  priority: Priority;
  labels: string[];
  assigneeId: string | null;
  createdBy: string;
  parent: LinkedRef | null;
  estimateMinutes: number | null;
  dueAt: string | null;
  /** Its due time came while it was live (set by the reminders job; a new due date clears it). */
  overdue: boolean;
  /** A recurring task: its next occurrence is created when it is done or skipped. */
  repeat: Recurrence | null;
  /** A closed recurring task: the number of the occurrence that followed it. */
  nextOccurrence: number | null;
  startedAt: string | null;
  submittedAt: string | null;
  completedAt: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  leaseExpiresAt: string | null;
  reworkCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  dependencies: LinkedRef[];
  /** Tasks that depend on this one ("Blocks #7, #9"). */
  blocks: LinkedRef[];
  subtasks: LinkedRef[];
  /** The assignee's question while it waits for an answer (the lease is paused meanwhile). */
  question: { text: string; askedBy: string; at: string } | null;
  /** While in review: the attempt awaiting a decision (summary and evidence); otherwise null. */
  submission: AttemptView | null;
  /**
   * The last change, for card footers: who and what. `source: "system"` is Tasklane acting on its
   * own (an unblock when `dependency`, the task number, was done; an expired lease).
   */
  lastEvent: {
    actorId: string;
    kind: string;
    at: string;
    source?: EventSource;
    dependency?: number | null;
  } | null;
}

/** A submission's evidence, as validated (src/domain/validation/evidence.ts). */
export interface AttemptResult {
  summary?: string;
  files?: { path: string; change: "added" | "modified" | "deleted" }[];
  tests?: { passed: number; failed: number; skipped?: number; command?: string };
  links?: string[];
  notes?: string;
}

/** A question the assignee asked during an attempt, and its answer once given. */
export interface AttemptQuestion {
  question: string;
  askedBy: string;
  askedAt: string;
  answer: string | null;
  answeredBy: string | null;
  answeredAt: string | null;
}

/** One try at a task (task_attempts): who, when, how it ended, what they handed in. */
export interface AttemptView {
  attempt: number;
  assigneeId: string;
  startedAt: string;
  endedAt: string | null;
  /** null while the attempt is running. */
  outcome: AttemptOutcome | null;
  summary: string | null;
  result: AttemptResult | null;
  error: string | null;
  /** Questions asked during the attempt, oldest first, with their answers. */
  questions: AttemptQuestion[];
}
