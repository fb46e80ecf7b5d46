import type {
  AutoAssignMode,
  NotifyMode,
  Priority,
  ReviewVerdict,
  TaskStatus,
} from "../domain/task-states.ts";
import type { TaskRef, TaskView } from "../domain/task-view.ts";
import type { Marked } from "../store/task-messages.ts";

/** What services return: plain values (ids as snowflake strings, dates as ISO strings), nothing of discord.js. */

/** Tasks changed as a consequence (unblocked dependents) get their cards through the outbox like any change. */
export interface TransitionResult {
  task: TaskView;
  /** A click's card already marked at the new version by the change's own statement (see `shownOn`). */
  clickMark?: Marked;
}

export interface Page<T> {
  items: T[];
  /** Lists and search count at most TOTAL_CAP matches (a LIMITed count): then `totalCapped` is true. */
  total: number;
  totalCapped?: boolean;
  /** Opaque keyset cursor for the next page; null on the last page. */
  nextCursor: string | null;
  prevCursor: string | null;
}

export interface QueueView {
  channelId: string;
  items: TaskView[];
  liveCount: number;
  limit: number | null;
  /** Added: keyset cursor for the next page of the queue (pass as page.cursor); null on the last page. */
  nextCursor?: string | null;
}

export interface ChannelSettingsView {
  channelId: string;
  guildId: string;
  queueLimit: number | null;
  reviewerRoleId: string | null;
  requireReview: boolean;
  allowSelfReview: boolean;
  maxAttempts: number;
  leaseMinutes: number;
  autoAssign: AutoAssignMode;
  /** When a task enters review: ping the reviewer role, name it without a ping, or say nothing. */
  notifyReviewers: NotifyMode;
  /** When a task is done or failed: ping its creator, name them, or say nothing. */
  notifyCreator: NotifyMode;
  /** Reminders before a due date, in minutes, largest first (default one day). */
  remindBeforeMinutes: number[];
  /** Remind at the due time, then daily up to three times more (default on). */
  remindOverdue: boolean;
  /** Each new task gets a thread on its card, where its conversation goes. */
  threads: boolean;
}

/** `/tasklane config`: the channel's settings and the server's time zone. */
export interface ConfigView extends ChannelSettingsView {
  /** IANA name (default UTC): typed dates are read in it. */
  timezone: string;
}

export interface AgentView {
  guildId: string;
  userId: string;
  labels: string[];
  maxConcurrent: number;
  liveTasks: number;
  /** Paused by an operator: no deliveries, its mention commands refused. */
  paused: boolean;
}

export interface StatsView {
  byStatus: Record<TaskStatus, number>;
  /** Live tasks only: the work still ahead. */
  byPriority: Record<Priority, number>;
  /** The 25 biggest labels; `total` leaves cancelled tasks out. */
  labels: { label: string; done: number; total: number; percent: number }[];
  assignees: {
    userId: string;
    live: number;
    inProgress: number;
    done: number;
    avgCompletionMinutes: number | null;
  }[];
  estimates: { tasks: number; estimatedMinutes: number; actualMinutes: number; ratio: number | null };
  oldestOpen: TaskRef[];
  reviewsPending: number;
  /** Live tasks past their due time. */
  overdue: number;
}

export interface ReviewView {
  reviewerId: string;
  verdict: ReviewVerdict;
  comment: string | null;
  at: string;
}

/** A task awaiting the actor's decision (`/tasks reviews`). */
export interface ReviewQueueItem {
  task: TaskView;
  submittedBy: string | null;
  submittedAt: string | null;
}

export interface ImportedTask {
  /** Task Master's id: "2" or "2.1". */
  taskmaster: string;
  number: number;
  title: string;
  status: TaskStatus;
  /** For updates: the fields that changed since the last import. */
  changes?: string[];
}

export interface ImportReport {
  dryRun: boolean;
  tag: string;
  layout: "tagged" | "legacy";
  created: ImportedTask[];
  updated: ImportedTask[];
  /** Already imported and unchanged in the file since. */
  unchanged: number;
  /** Statuses of the created tasks. */
  createdByStatus: Partial<Record<TaskStatus, number>>;
  warnings: string[];
}

export interface ExportFile {
  /** `tasklane-<guild>-<yyyy-mm-dd>.csv|json` */
  filename: string;
  contentType: string;
  content: string;
  /** Tasks in the file. */
  count: number;
  /** True when the export stopped at the cap (MAX_EXPORT_TASKS) and left tasks out. */
  truncated: boolean;
}

/** The rollup behind the operator gauges of /metrics. */
export interface OperatorSnapshot {
  takenAt: string;
  tasksByStatus: Record<TaskStatus, number>;
  /** Open tasks per channel, the deepest channels only. */
  queues: { guildId: string; channelId: string; depth: number }[];
  /** oldestPendingSeconds: 0 when nothing is pending. */
  outbox: { pending: number; dead: number; oldestPendingSeconds: number };
  /** Reminders whose time has come and that no instance has sent yet (a stuck job grows it). */
  remindersDue: number;
}
