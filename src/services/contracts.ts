import type { Cache, RateDecision, TokenRequest } from "../cache/types.ts";
import type { ChannelRights, ServerPermission } from "../domain/roles.ts";
import type { TaskEventView } from "../domain/task-event.ts";
import type { DueFilter, EventSource, Priority, StatusFilter, TaskStatus } from "../domain/task-states.ts";
import type { AttemptView, TaskRef, TaskView } from "../domain/task-view.ts";
import type { TransitionAction } from "../domain/transitions.ts";
import type { Logger } from "../log.ts";
import type { Database } from "../store/database.ts";
import type { ClaimedGroup } from "../store/outbox-delivery.ts";
import type { TaskHeader } from "../store/task-headers.ts";
import type { CardRecord, Marked } from "../store/task-messages.ts";
import type { ThreadOfTask, ThreadRecord } from "../store/task-threads.ts";
import type { GateDrift, GateDriftOptions } from "./gate/gate-drift.ts";
import type {
  AgentView,
  ChannelSettingsView,
  ConfigView,
  ExportFile,
  ImportReport,
  OperatorSnapshot,
  Page,
  QueueView,
  ReviewQueueItem,
  ReviewView,
  StatsView,
  TransitionResult,
} from "./views.ts";

/**
 * The contract between the Discord layer (and agents) and the task engine. Plain values only:
 * ids are snowflake strings, dates are ISO strings, nothing here knows discord.js.
 * Every method either returns or throws a UserError subclass (src/domain/errors.ts) whose message
 * a user can read; anything else is a bug.
 */

/** The store's row shapes that cross the boundary (the outbox and card records, for src/discord/delivery). */
export type { OutboxMessage } from "../store/outbox.ts";
export type { ClaimedGroup, ClaimedRow } from "../store/outbox-delivery.ts";
export type { TaskHeader } from "../store/task-headers.ts";
export type { CardRecord, Marked, MarkOutcome } from "../store/task-messages.ts";
export type { ThreadOfTask, ThreadRecord } from "../store/task-threads.ts";
export type { GateDrift, GateDriftOptions } from "./gate/gate-drift.ts";

/**
 * Everything outside src/services reaches the data through these (the composition root builds them):
 * commands, the Discord layer, jobs and the HTTP server never hold a database handle.
 */
export interface Services {
  tasks: TaskService;
  settings: SettingsService;
  agents: AgentService;
  cards: CardService;
  delivery: DeliveryService;
  gate: GateService;
  jobs: JobService;
  health: HealthService;
  events: EventService;
  /** Task Master import, CSV/JSON export. */
  transfers: TransferService;
  /** The rollup behind the operator gauges of /metrics. */
  operations: OperationsService;
}

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

/** Raw user input; the service validates it (zod) and throws ValidationError naming the field. */
export interface CreateTaskInput {
  title: string;
  description?: string;
  priority?: string;
  assigneeId?: string;
  /** Comma-separated or an array. */
  labels?: string | string[];
  /** "2030-03-01 17:00", "tomorrow 9:00", "friday" (in the server's time zone), ISO with an offset, or "3d", "2h". */
  due?: string;
  /** "90m", "2h", "1d". */
  estimate?: string;
  parentNumber?: number;
  dependsOn?: number[] | string;
  /** daily, weekdays, weekly, monthly; "none" (edit) stops the series. */
  repeat?: string;
}

export type EditTaskInput = Partial<Omit<CreateTaskInput, "assigneeId" | "dependsOn">>;

export interface TransitionInput {
  number: number;
  /** From a card button's custom_id: the internal id it names; refused unless #number is that task. */
  taskId?: number;
  action: TransitionAction;
  /** From a button's custom_id: the version the user saw. Absent for commands (acts on the current one). */
  expectedVersion?: number;
  /** Reason (rework, block, cancel, fail), note (submit), comment (approve). */
  text?: string;
  /** For assign. */
  assigneeId?: string;
  /** For submit: the evidence block (files, tests, links, notes), validated against the published schema. */
  evidence?: unknown;
  /**
   * A click: the card message clicked. When it is the task's live card and the change is written in
   * one statement, that statement records the new version on it (`TransitionResult.clickMark`).
   */
  shownOn?: string;
}

export interface ListFilters {
  /** Default "live". Lists are newest first (by number). */
  status?: StatusFilter;
  assigneeId?: string;
  priority?: Priority;
  label?: string;
  /** Restrict to one channel; omitted = whole guild. */
  channelId?: string;
  /** Live tasks overdue, due today or within 7 days (today and week in the server's time zone). */
  due?: DueFilter;
  /** "due": soonest due first, only tasks with a due date; default newest first. */
  sort?: "number" | "due";
}

export interface PageRequest {
  cursor?: string | null;
  limit?: number;
}

export type ChannelSettingsPatch = Partial<
  Omit<ChannelSettingsView, "channelId" | "guildId" | "remindBeforeMinutes">
> & {
  /** "1d,1h" (or minutes); "off" for none. */
  remindBefore?: string | number[];
  /** The server's time zone, an IANA name: Manage Server. */
  timezone?: string;
};

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
  /** `get`, with the task's attempts and where its live card is (one query beside the cached view). */
  details(ctx: ActionContext, number: number): Promise<TaskDetails>;
  queue(ctx: ActionContext, channelId: string, page?: PageRequest): Promise<QueueView>;
  /** Autocomplete: number prefix or title words, live tasks first, at most `limit` (≤ 25). */
  suggest(ctx: ActionContext, query: string, limit?: number): Promise<TaskRef[]>;
  /** One channel, or (no channelId) every channel the actor can see. */
  stats(ctx: ActionContext, channelId?: string): Promise<StatsView>;
  /** Tasks in review the actor can see and may approve or send back, oldest submission first (at most 25). */
  reviewQueue(ctx: ActionContext): Promise<ReviewQueueItem[]>;
}

export interface TaskDetails {
  task: TaskView;
  /** Oldest first, as `attempts` returns them. */
  attempts: AttemptView[];
  /** The task's live card; null before one is posted (or while it is being posted). */
  liveCard: { channelId: string; messageId: string } | null;
}

export interface SettingsService {
  /** For rendering (cards, agent payloads): not an answer to a user. */
  get(guildId: string, channelId: string): Promise<ChannelSettingsView>;
  /** ctx.channelId's settings, for a member who may manage that channel. */
  show(ctx: ActionContext): Promise<ConfigView>;
  /** Manage Channels in ctx.channelId (Administrator anywhere); the time zone needs Manage Server. */
  update(ctx: ActionContext, patch: ChannelSettingsPatch): Promise<ConfigView>;
  /** The server's time zone (default UTC), for reading and showing dates: not an answer to a user. */
  timeZone(guildId: string): Promise<string>;
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
  /**
   * `claim`, taking the actor's rate-limit token in the same cache round trip. `decision` is absent when
   * the claim was lost or the cache could not take it (ask the limiter then).
   */
  claimWithToken(eventId: string, token: TokenRequest): Promise<{ won: boolean; decision?: RateDecision }>;
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

export type ExportFormat = "csv" | "json";

export interface ExportInput {
  format: ExportFormat;
  /** Default "all". */
  status?: TaskStatus | "live" | "all";
  /** Default "channel": ctx.channelId only; "server": every channel of the guild the actor can see. */
  scope?: "channel" | "server";
}

/** Bringing tasks in and taking them out. */
export interface TransferService {
  /** Admins (manage channels / server): creates or updates tasks from a Task Master file; one transaction. */
  importTaskMaster(ctx: ActionContext, input: ImportInput): Promise<ImportReport>;
  /** The tasks the actor can see, as a file. */
  exportTasks(ctx: ActionContext, input: ExportInput): Promise<ExportFile>;
}

export interface OperationsService {
  /** Cached for a short while (ROLLUP_TTL_MS): scraping often costs no more than scraping every 15 s. */
  snapshot(): Promise<OperatorSnapshot>;
}

/**
 * A task's live card (task_messages): posting is claimed first so two posters never post two cards,
 * and every edit records the version it renders so an older one never overwrites a newer one.
 */
export interface CardService {
  /** The guild, channel and version of the task a button names by internal id; null when there is none. */
  header(taskId: number): Promise<TaskHeader | null>;
  find(taskId: number): Promise<CardRecord | null>;
  /** True when the caller may post the card: no card yet, or a poster died mid-way. */
  claimPosting(taskId: number, channelId: string): Promise<boolean>;
  recordMessage(card: CardRecord): Promise<void>;
  /** The post failed: let the next poster try. */
  releaseClaim(taskId: number): Promise<void>;
  /** Reserves rendering `version` on the posted card; null when it (or a newer one) is already there. */
  claimVersion(taskId: number, version: number): Promise<CardRecord | null>;
  /** The edit that claimed `claimed` failed: give the version back so a retry renders it. */
  restoreVersion(taskId: number, claimed: number, previous: number): Promise<void>;
  /** A click is about to update `messageId` in place to `version` (see MarkOutcome), with the version it replaced. */
  markRendered(taskId: number, messageId: string, version: number): Promise<Marked>;
  /** After an edit to `version` landed: true when a newer version was recorded meanwhile (render again). */
  supersededWhileSending(taskId: number, version: number): Promise<boolean>;
  /** The card message is gone: forget it so the next refresh posts a new one. */
  forget(taskId: number, messageId: string): Promise<void>;
  /** The thread on the task's card (channels with threads on); null when it has none. */
  thread(taskId: number): Promise<ThreadRecord | null>;
  /** The task whose open thread `threadId` is, in this guild; null for any other channel. */
  taskOfThread(guildId: string, threadId: string): Promise<ThreadOfTask | null>;
  recordThread(taskId: number, threadId: string): Promise<void>;
  /** Deleted in Discord, or it would not open one (threadId null): the task's messages stay in its channel. */
  forgetThread(taskId: number, threadId: string | null): Promise<void>;
}

/** The outbox, for its dispatcher (src/discord/delivery). */
export interface DeliveryService {
  /** Claims up to `batch` due rows for `claimMs`, grouped by coalesce key. */
  claimDue(batch: number, claimMs: number, now?: Date): Promise<ClaimedGroup[]>;
  /** Sent (messageId set) or skipped (null: nothing to send any more, `note` says why). */
  markSent(ids: number[], messageId: string | null, note?: string | null): Promise<void>;
  /** A failed try: due again at `retryAt`; `countsAsFailure` false for rate limits and not-ready waits. */
  scheduleRetry(ids: number[], retryAt: Date, error: string, countsAsFailure: boolean): Promise<void>;
  markDead(ids: number[], error: string): Promise<void>;
  /** Milliseconds until the next pending row comes due (0 if one is due now); null when none is pending. */
  msUntilNextDue(now?: Date): Promise<number | null>;
  /**
   * The lease of an agent's task starts as the message telling it to work is sent (a rework): from now,
   * `leaseMinutes` long, while the task is in progress with that assignee. The new expiry, or null.
   */
  startLease(
    task: { id: number; guildId: string; number: number },
    assigneeId: string,
    leaseMinutes: number,
  ): Promise<string | null>;
  /** The task as committed, read from Postgres, never the view cache (a row is visible only after its change commits). */
  committedTask(taskId: number): Promise<TaskView | null>;
}

/** The queue gate's counters against Postgres, the truth. */
export interface GateService {
  /** Compares counters with Postgres and, unless told not to, repairs them; returns the channels that disagreed. */
  checkDrift(options?: GateDriftOptions): Promise<GateDrift[]>;
  /** Sets one channel's counter from Postgres; returns its live tasks. */
  rebuild(channelId: string): Promise<number>;
}

/** One pass of each background job; each acts through the task engine at the version it saw. */
export interface JobService {
  /** Counts expired leases as failed attempts; returns how many. */
  expireLeases(options: {
    systemUserId: () => string | undefined;
    batchSize?: number;
    claimMs?: number;
  }): Promise<number>;
  /** Hands unassigned tasks of auto-assign channels to the least-loaded agent; returns how many. */
  autoAssign(options: { systemUserId: () => string | undefined }): Promise<number>;
  /** Sends the reminders whose time has come (once each, across instances); returns how many. */
  sendReminders(options: { systemUserId: () => string | undefined; batchSize?: number }): Promise<number>;
}

export interface HealthService {
  /** Whether the database answers, and which kind it is. */
  database(): Promise<{ ok: boolean; kind: "postgres" | "pglite" }>;
}
