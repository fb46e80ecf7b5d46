import type { Cache } from "../cache/types.ts";
import type { ChannelRights, ServerPermission } from "../domain/roles.ts";
import type {
  AutoAssignMode,
  EventSource,
  NotifyMode,
  Priority,
  ReviewVerdict,
  StatusFilter,
  TaskStatus,
} from "../domain/task-states.ts";
import type { AttemptView, TaskRef, TaskView } from "../domain/task-view.ts";
import type { TransitionAction } from "../domain/transitions.ts";
import type { Logger } from "../log.ts";
import type { Database } from "../store/database.ts";

/**
 * The contract between the Discord layer (and agents) and the task engine. Plain values only:
 * ids are snowflake strings, dates are ISO strings, nothing here knows discord.js.
 * Every method either returns or throws a UserError subclass (src/domain/errors.ts) whose message
 * a user can read; anything else is a bug.
 */

export type { ChannelRights, Permission, ServerPermission } from "../domain/roles.ts";

/**
 * Who acts, with their rights in every channel of the server, computed by the Discord layer from
 * roles and overwrites (src/discord/permissions/). Services decide from these alone.
 */
export interface Actor {
  userId: string;
  roleIds: readonly string[];
  /** Held server-wide (Administrator, Manage Server). */
  permissions: readonly ServerPermission[];
  /** True for bot accounts (agents). */
  isBot?: boolean;
  /** The actor's rights in one channel (or thread) of the server; none in a channel it does not know. */
  in(channelId: string): ChannelRights;
  /** The channels the actor may View, for server-wide lists; "all" only for Tasklane's own jobs. */
  viewableChannelIds(): readonly string[] | "all";
}

/** Who acts, where, and through which door. Every service call carries one. */
export interface ActionContext {
  guildId: string;
  /** The channel the interaction or message came from (new tasks land here). */
  channelId: string;
  actor: Actor;
  source: EventSource;
  /** The gateway event (interaction id) behind this call: a create's idempotency key. */
  eventId?: string;
}

export type { AttemptResult, AttemptView, TaskRef, TaskView } from "../domain/task-view.ts";

/** Raw user input; the service validates it (zod) and throws ValidationError naming the field. */
export interface CreateTaskInput {
  title: string;
  description?: string;
  priority?: string;
  assigneeId?: string;
  /** Comma-separated or an array. */
  labels?: string | string[];
  /** ISO date/time or relative ("3d", "2h"). */
  due?: string;
  /** "90m", "2h", "1d". */
  estimate?: string;
  parentNumber?: number;
  dependsOn?: number[] | string;
}

export type EditTaskInput = Partial<Omit<CreateTaskInput, "assigneeId" | "dependsOn">>;

/** The actions a user asks for through `transition` (edits, comments and dependencies have their own methods). */
export type TaskAction = TransitionAction;

export interface TransitionInput {
  number: number;
  action: TaskAction;
  /** From a button's custom_id: the version the user saw. Absent for commands (acts on the current one). */
  expectedVersion?: number;
  /** Reason (rework, block, cancel, fail), note (submit), comment (approve). */
  text?: string;
  /** For assign. */
  assigneeId?: string;
  /** For submit: the evidence block (files, tests, links, notes), validated against the published schema. */
  evidence?: unknown;
}

/** Tasks changed as a consequence (unblocked dependents) get their cards through the outbox like any change. */
export interface TransitionResult {
  task: TaskView;
}

export interface ListFilters {
  /** Default "live". Lists are newest first (by number). */
  status?: StatusFilter;
  assigneeId?: string;
  priority?: Priority;
  label?: string;
  /** Restrict to one channel; omitted = whole guild. */
  channelId?: string;
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

export interface PageRequest {
  cursor?: string | null;
  limit?: number;
}

export interface TaskEventView {
  id: number;
  actorId: string;
  kind: string;
  fromStatus: TaskStatus | null;
  toStatus: TaskStatus | null;
  details: Record<string, unknown>;
  source: EventSource;
  at: string;
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
}

export type ChannelSettingsPatch = Partial<Omit<ChannelSettingsView, "channelId" | "guildId">>;

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

export interface TaskService {
  create(ctx: ActionContext, input: CreateTaskInput): Promise<TaskView>;
  edit(ctx: ActionContext, number: number, patch: EditTaskInput, expectedVersion?: number): Promise<TaskView>;
  transition(ctx: ActionContext, input: TransitionInput): Promise<TransitionResult>;
  /** Dry run: throws the refusal `transition` would give now (inputs still to be asked for aside); writes nothing. */
  checkTransition(ctx: ActionContext, input: TransitionInput): Promise<void>;
  /**
   * Claim the next eligible open task of ctx.channelId for the actor and start it (open -> in_progress,
   * with a lease for registered agents); null when nothing is eligible. `labels`: any of them.
   */
  next(ctx: ActionContext, options?: { labels?: string[] }): Promise<TaskView | null>;
  comment(ctx: ActionContext, number: number, text: string): Promise<TaskView>;
  /** The assignee asks the creator a question: the lease pauses until it is answered. */
  ask(ctx: ActionContext, number: number, question: string): Promise<TaskView>;
  /** The creator, a reviewer or an admin answers the waiting question: the assignee is told, the lease resumes. */
  answer(ctx: ActionContext, number: number, text: string): Promise<TaskView>;
  /** Dry run of `answer` before its text is asked for (the card's Answer button); writes nothing. */
  checkAnswer(ctx: ActionContext, number: number, expectedVersion?: number): Promise<void>;
  /** The assignee reports progress: renews the lease (agents) and records the note. */
  progress(ctx: ActionContext, number: number, note: string): Promise<TaskView>;
  addDependency(ctx: ActionContext, number: number, onNumber: number): Promise<TaskView>;
  removeDependency(ctx: ActionContext, number: number, onNumber: number): Promise<TaskView>;

  /*
   * Reads answer as the actor sees the server: a task in a channel it cannot View is "There is no
   * task #N", lists and counts leave such tasks out, and related tasks there show as their number only.
   */
  get(ctx: ActionContext, number: number): Promise<TaskView>;
  list(ctx: ActionContext, filters: ListFilters, page?: PageRequest): Promise<Page<TaskView>>;
  search(ctx: ActionContext, query: string, page?: PageRequest): Promise<Page<TaskView>>;
  history(ctx: ActionContext, number: number, page?: PageRequest): Promise<Page<TaskEventView>>;
  reviews(ctx: ActionContext, number: number): Promise<ReviewView[]>;
  /** Every attempt at the task (start → submit | fail | expire | release), oldest first. */
  attempts(ctx: ActionContext, number: number): Promise<AttemptView[]>;
  queue(ctx: ActionContext, channelId: string, page?: PageRequest): Promise<QueueView>;
  /** Autocomplete: number prefix or title words, live tasks first, at most `limit` (≤ 25). */
  suggest(ctx: ActionContext, query: string, limit?: number): Promise<TaskRef[]>;
  /** One channel, or (no channelId) every channel the actor can see. */
  stats(ctx: ActionContext, channelId?: string): Promise<StatsView>;
  /** Tasks in review the actor can see and may approve or send back, oldest submission first (at most 25). */
  reviewQueue(ctx: ActionContext): Promise<ReviewQueueItem[]>;
}

export interface SettingsService {
  /** For rendering (cards, agent payloads): not an answer to a user. */
  get(guildId: string, channelId: string): Promise<ChannelSettingsView>;
  /** ctx.channelId's settings, for a member who may manage that channel. */
  show(ctx: ActionContext): Promise<ChannelSettingsView>;
  /** Manage Channels in ctx.channelId (Administrator anywhere). */
  update(ctx: ActionContext, patch: ChannelSettingsPatch): Promise<ChannelSettingsView>;
}

export interface AgentService {
  add(
    ctx: ActionContext,
    input: { userId: string; labels?: string | string[]; maxConcurrent?: number },
  ): Promise<AgentView>;
  remove(ctx: ActionContext, userId: string): Promise<void>;
  /** add, remove, list, pause and resume need Manage Server (or Administrator). */
  /** The halt switch: a paused agent's deliveries are held and its commands refused until resumed. */
  setPaused(ctx: ActionContext, userId: string, paused: boolean): Promise<AgentView>;
  list(ctx: ActionContext): Promise<AgentView[]>;
  /** For Tasklane's own use (jobs, payloads): not an answer to a user. */
  get(guildId: string, userId: string): Promise<AgentView | null>;
}

export interface EventService {
  /**
   * Claims a gateway event (interaction or message id) for this instance, before any work. false: another
   * instance, or an earlier delivery of the same event, has it; the caller then does nothing at all.
   */
  claim(eventId: string): Promise<boolean>;
  /** Deletes expired claims and outbox rows sent more than 7 days ago. */
  prune(): Promise<{ handledEvents: number; sentOutbox: number }>;
}

export interface ServiceDeps {
  database: Database;
  cache: Cache;
  log: Logger;
  /** Injected clock for leases/backoff/due dates; defaults to Date.now. */
  now?: () => Date;
  /** Added: agent retry backoff (base·2^(n−1) ± jitter, capped); default base 30 s, cap 1 h, jitter 0.2. */
  retry?: { baseMs?: number; capMs?: number; jitter?: number };
  /** Added: randomness for the backoff jitter; defaults to Math.random. */
  random?: () => number;
  /** Added: how long cached task views and channel settings live; default 60 s. */
  viewTtlSeconds?: number;
}

/** `npm run import` and `/tasks import`: a Task Master tasks.json, in ctx.channelId. */
export interface ImportInput {
  /** The file's text. */
  text: string;
  /** Task Master tag to read (tagged layout); default master. */
  tag?: string;
  /** Work everything out and report it, but write nothing. */
  dryRun?: boolean;
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

export type ExportFormat = "csv" | "json";

export interface ExportInput {
  format: ExportFormat;
  /** Default "all". */
  status?: TaskStatus | "live" | "all";
  /** Default "channel": ctx.channelId only; "server": every channel of the guild the actor can see. */
  scope?: "channel" | "server";
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

/** Bringing tasks in and taking them out. */
export interface TransferService {
  /** Admins (manage channels / server): creates or updates tasks from a Task Master file; one transaction. */
  importTaskMaster(ctx: ActionContext, input: ImportInput): Promise<ImportReport>;
  /** The tasks the actor can see, as a file. */
  exportTasks(ctx: ActionContext, input: ExportInput): Promise<ExportFile>;
}

/** The rollup behind the operator gauges of /metrics. */
export interface OperatorSnapshot {
  takenAt: string;
  tasksByStatus: Record<TaskStatus, number>;
  /** Open tasks per channel, the deepest channels only. */
  queues: { guildId: string; channelId: string; depth: number }[];
  /** oldestPendingSeconds: 0 when nothing is pending. */
  outbox: { pending: number; dead: number; oldestPendingSeconds: number };
}

export interface OperationsService {
  /** Cached for a short while (ROLLUP_TTL_MS): scraping often costs no more than scraping every 15 s. */
  snapshot(): Promise<OperatorSnapshot>;
}
