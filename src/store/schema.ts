import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import {
  ATTEMPT_OUTCOMES,
  type AttemptOutcome,
  AUTO_ASSIGN_MODES,
  type AutoAssignMode,
  EVENT_SOURCES,
  type EventSource,
  NOTIFY_MODES,
  type NotifyMode,
  PRIORITIES,
  type Priority,
  RECURRENCES,
  REVIEW_VERDICTS,
  type Recurrence,
  type ReviewVerdict,
  TASK_STATUSES,
  type TaskStatus,
} from "../domain/task-states.ts";
import type { AttemptQuestion } from "../domain/task-view.ts";

export type {
  AttemptOutcome,
  AutoAssignMode,
  EventSource,
  NotifyMode,
  Priority,
  ReviewVerdict,
  TaskStatus,
} from "../domain/task-states.ts";
export {
  AUTO_ASSIGN_MODES,
  EVENT_SOURCES,
  LIVE_STATUSES,
  PRIORITIES,
  REVIEW_VERDICTS,
  TASK_STATUSES,
  TERMINAL_STATUSES,
} from "../domain/task-states.ts";

export const OUTBOX_STATES = ["pending", "sent", "dead"] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} IN (${values.map((value) => `'${value}'`).join(", ")})`);

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/** Per-guild sequence behind the numbers users type (#12). Row-locked by the creating transaction. */
export const guildCounters = pgTable("guild_counters", {
  guildId: text("guild_id").primaryKey(),
  lastNumber: integer("last_number").notNull().default(0),
});

export const tasks = pgTable(
  "tasks",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    guildId: text("guild_id").notNull(),
    channelId: text("channel_id").notNull(),
    number: integer("number").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    status: text("status").$type<TaskStatus>().notNull().default("open"),
    priority: text("priority").$type<Priority>().notNull().default("medium"),
    /** 0 = critical … 3 = low: the queue orders by this, then by age. */
    priorityRank: smallint("priority_rank")
      .notNull()
      .generatedAlwaysAs(
        sql`CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END`,
      ),
    labels: text("labels").array().notNull().default(sql`'{}'::text[]`),
    assigneeId: text("assignee_id"),
    createdBy: text("created_by").notNull(),
    parentId: integer("parent_id").references((): AnyPgColumn => tasks.id, { onDelete: "set null" }),
    estimateMinutes: integer("estimate_minutes"),
    dueAt: timestamp("due_at", { withTimezone: true }),
    /** null: a one-off task; else its next occurrence is created when it is done (or skipped). */
    recurrence: text("recurrence").$type<Recurrence>(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    reworkCount: integer("rework_count").notNull().default(0),
    version: integer("version").notNull().default(1),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    /** The id of the interaction that created it: a re-delivered or retried interaction finds this task. */
    createKey: text("create_key"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("tasks_guild_number_key").on(t.guildId, t.number),
    uniqueIndex("tasks_create_key_key").on(t.createKey).where(sql`create_key IS NOT NULL`),
    index("tasks_queue_idx").on(t.channelId, t.priorityRank, t.createdAt, t.id).where(sql`status = 'open'`),
    index("tasks_guild_status_number_idx").on(t.guildId, t.status, t.number),
    index("tasks_channel_status_number_idx").on(t.channelId, t.status, t.number),
    index("tasks_assignee_idx").on(t.guildId, t.assigneeId, t.status),
    index("tasks_parent_idx").on(t.parentId).where(sql`parent_id IS NOT NULL`),
    index("tasks_lease_idx")
      .on(t.leaseExpiresAt)
      .where(sql`status = 'in_progress' AND lease_expires_at IS NOT NULL`),
    index("tasks_review_queue_idx")
      .on(t.guildId, t.submittedAt.asc().nullsFirst(), t.id)
      .where(sql`status = 'in_review'`),
    index("tasks_guild_due_idx").on(t.guildId, t.dueAt, t.number).where(sql`due_at IS NOT NULL`),
    // Also tasks_stats_number_idx (guild_id, channel_id, number) INCLUDE (…): hand-written in 0018, and
    // tasks_live_due_idx (guild_id, due_at) INCLUDE (channel_id) WHERE live with a due date: in 0013,
    // as drizzle's index builder has no INCLUDE. They serve the stats as index-only scans.
    // Triggers keep task_labels in step with labels, status and channel (0013), task_search with the
    // words, number and channel (0016).
    check("tasks_status_check", inList("status", TASK_STATUSES)),
    check("tasks_priority_check", inList("priority", PRIORITIES)),
    check("tasks_title_length_check", sql`char_length(title) BETWEEN 1 AND 200`),
    check("tasks_description_length_check", sql`char_length(description) <= 4000`),
    check("tasks_labels_count_check", sql`cardinality(labels) <= 10`),
    check("tasks_number_positive_check", sql`number > 0`),
    check("tasks_estimate_positive_check", sql`estimate_minutes IS NULL OR estimate_minutes > 0`),
    check("tasks_parent_not_self_check", sql`parent_id IS NULL OR parent_id <> id`),
    check("tasks_recurrence_check", sql`recurrence IS NULL OR ${inList("recurrence", RECURRENCES)}`),
  ],
);

/**
 * One row per (task, label) in list order, with the status and channel a list filters on: the label
 * list walks it newest first. Derived from tasks and written only by tasks' triggers (migration 0013);
 * its primary key also INCLUDEs (status, channel_id, task_id), hand-written there.
 */
export const taskLabels = pgTable(
  "task_labels",
  {
    guildId: text("guild_id").notNull(),
    label: text("label").notNull(),
    number: integer("number").notNull(),
    taskId: integer("task_id").notNull(),
    channelId: text("channel_id").notNull(),
    status: text("status").$type<TaskStatus>().notNull(),
  },
  (t) => [primaryKey({ name: "task_labels_pkey", columns: [t.guildId, t.label, t.number] })],
);

/**
 * One row per task: its search vector (title A, description B, labels C, english) with what a search
 * filters on. Derived from tasks and written only by tasks' triggers (migration 0016), so a change of
 * status never touches the search index.
 */
export const taskSearch = pgTable(
  "task_search",
  {
    taskId: integer("task_id").primaryKey(),
    guildId: text("guild_id").notNull(),
    number: integer("number").notNull(),
    channelId: text("channel_id").notNull(),
    searchVector: tsvector("search_vector").notNull(),
  },
  (t) => [
    // The words and each task's (guild, block of 256 numbers) key (migration 0013 defines the function).
    index("task_search_keys_idx").using(
      "gin",
      sql`tasklane_search_keys(${t.guildId}, ${t.number}, ${t.searchVector})`,
    ),
  ],
);

export const taskDependencies = pgTable(
  "task_dependencies",
  {
    taskId: integer("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    dependsOnId: integer("depends_on_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.taskId, t.dependsOnId] }),
    index("task_dependencies_depends_on_idx").on(t.dependsOnId),
    check("task_dependencies_not_self_check", sql`task_id <> depends_on_id`),
  ],
);

export const taskEvents = pgTable(
  "task_events",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    /** A task's row; no foreign key (migration 0017): deleting the task deletes it (tasks_children_delete). */
    taskId: integer("task_id").notNull(),
    guildId: text("guild_id").notNull(),
    actorId: text("actor_id").notNull(),
    kind: text("kind").notNull(),
    fromStatus: text("from_status").$type<TaskStatus>(),
    toStatus: text("to_status").$type<TaskStatus>(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    source: text("source").$type<EventSource>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("task_events_task_idx").on(t.taskId, t.id),
    check("task_events_source_check", inList("source", EVENT_SOURCES)),
  ],
);

export const taskReviews = pgTable(
  "task_reviews",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    taskId: integer("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    reviewerId: text("reviewer_id").notNull(),
    verdict: text("verdict").$type<ReviewVerdict>().notNull(),
    comment: text("comment"),
    createdAt: createdAt(),
  },
  (t) => [
    index("task_reviews_task_idx").on(t.taskId, t.id),
    check("task_reviews_verdict_check", inList("verdict", REVIEW_VERDICTS)),
    check("task_reviews_comment_length_check", sql`comment IS NULL OR char_length(comment) <= 4000`),
  ],
);

export const channelSettings = pgTable(
  "channel_settings",
  {
    channelId: text("channel_id").primaryKey(),
    guildId: text("guild_id").notNull(),
    /** NULL = no limit. */
    queueLimit: integer("queue_limit"),
    reviewerRoleId: text("reviewer_role_id"),
    requireReview: boolean("require_review").notNull().default(true),
    allowSelfReview: boolean("allow_self_review").notNull().default(false),
    maxAttempts: integer("max_attempts").notNull().default(3),
    leaseMinutes: integer("lease_minutes").notNull().default(30),
    autoAssign: text("auto_assign").$type<AutoAssignMode>().notNull().default("off"),
    notifyReviewers: text("notify_reviewers").$type<NotifyMode>().notNull().default("mention"),
    notifyCreator: text("notify_creator").$type<NotifyMode>().notNull().default("mention"),
    /** Reminders before a due date, in minutes (1440 = a day before). */
    remindBeforeMinutes: integer("remind_before_minutes").array().notNull().default(sql`'{1440}'::integer[]`),
    /** Remind at the due time, then daily up to three times more, while the task is live. */
    remindOverdue: boolean("remind_overdue").notNull().default(true),
    /** A thread on each new task's card carries its conversation (migration 0010). */
    threads: boolean("threads").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("channel_settings_guild_idx").on(t.guildId),
    check("channel_settings_queue_limit_check", sql`queue_limit IS NULL OR queue_limit BETWEEN 1 AND 10000`),
    check("channel_settings_max_attempts_check", sql`max_attempts BETWEEN 1 AND 20`),
    check("channel_settings_lease_minutes_check", sql`lease_minutes BETWEEN 1 AND 10080`),
    check("channel_settings_auto_assign_check", inList("auto_assign", AUTO_ASSIGN_MODES)),
    check("channel_settings_notify_reviewers_check", inList("notify_reviewers", NOTIFY_MODES)),
    check("channel_settings_notify_creator_check", inList("notify_creator", NOTIFY_MODES)),
    check("channel_settings_remind_before_check", sql`cardinality(remind_before_minutes) <= 5`),
  ],
);

/** Server-wide settings (Manage Server): the time zone typed dates are read in. */
export const guildSettings = pgTable("guild_settings", {
  guildId: text("guild_id").primaryKey(),
  /** An IANA name (Europe/Berlin); dates are shown as Discord timestamps, in each reader's own zone. */
  timezone: text("timezone").notNull().default("UTC"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * One reminder of a task's due date: `offset_minutes` before it (0 = at the due time, negative =
 * overdue, days after). Armed when a due date is set or changed (re-armed: rows of the old date go);
 * claimed with SKIP LOCKED and marked sent in the transaction that writes its outbox row, so each
 * (task, offset) is sent once whatever the number of instances. `notify` false: the due time only
 * marks the task overdue (remind-overdue off).
 */
export const taskReminders = pgTable(
  "task_reminders",
  {
    taskId: integer("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    offsetMinutes: integer("offset_minutes").notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    remindAt: timestamp("remind_at", { withTimezone: true }).notNull(),
    notify: boolean("notify").notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.taskId, t.offsetMinutes] }),
    index("task_reminders_pending_idx").on(t.remindAt).where(sql`sent_at IS NULL`),
  ],
);

export const agents = pgTable(
  "agents",
  {
    guildId: text("guild_id").notNull(),
    userId: text("user_id").notNull(),
    labels: text("labels").array().notNull().default(sql`'{}'::text[]`),
    maxConcurrent: integer("max_concurrent").notNull().default(1),
    /** A paused agent gets no deliveries and its mention commands are refused (an operator's halt switch). */
    paused: boolean("paused").notNull().default(false),
    /** Moved on by every claim that checks the agent's cap (store/queue.ts claimNextAlone says why). */
    claimSeq: bigint("claim_seq", { mode: "number" }).notNull().default(0),
    addedBy: text("added_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.userId] }),
    check("agents_max_concurrent_check", sql`max_concurrent BETWEEN 1 AND 100`),
  ],
);

export const outbox = pgTable(
  "outbox",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    guildId: text("guild_id").notNull(),
    channelId: text("channel_id").notNull(),
    /** A task's row; no foreign key (migration 0017): deleting the task deletes it (tasks_children_delete). */
    taskId: integer("task_id"),
    /** e.g. card_post, card_edit, assignment, announcement. */
    kind: text("kind").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    /** Pending rows sharing a coalesce key collapse into the newest (card edits of one task). */
    coalesceKey: text("coalesce_key"),
    /** Sent as Discord's message nonce (enforce_nonce) so a retried create never posts twice. */
    nonce: text("nonce").notNull(),
    state: text("state").$type<OutboxState>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
    discordMessageId: text("discord_message_id"),
    createdAt: createdAt(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    index("outbox_pending_idx").on(t.nextAttemptAt, t.id).where(sql`state = 'pending'`),
    index("outbox_coalesce_idx").on(t.coalesceKey).where(sql`state = 'pending' AND coalesce_key IS NOT NULL`),
    index("outbox_task_idx").on(t.taskId),
    index("outbox_sent_at_idx").on(t.sentAt).where(sql`state = 'sent'`),
    check("outbox_state_check", inList("state", OUTBOX_STATES)),
  ],
);

/**
 * One try at a task: opened by start (or a rework), closed by submit, fail, an expired lease or a
 * release. At most one open attempt per task. `result` is the submission's validated evidence block.
 * fillfactor 70 (migration 0015, SQL only): ending an attempt is a HOT update; keep ended_at,
 * outcome, summary, result, error and questions out of every index.
 */
export const taskAttempts = pgTable(
  "task_attempts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    /** A task's row; no foreign key (migration 0017): deleting the task deletes it (tasks_children_delete). */
    taskId: integer("task_id").notNull(),
    attempt: integer("attempt").notNull(),
    assigneeId: text("assignee_id").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    outcome: text("outcome").$type<AttemptOutcome>(),
    summary: text("summary"),
    result: jsonb("result").$type<Record<string, unknown>>(),
    error: text("error"),
    /** The assignee's questions during the attempt and their answers, in order (AttemptQuestion). */
    questions: jsonb("questions").$type<AttemptQuestion[]>().notNull().default(sql`'[]'::jsonb`),
  },
  (t) => [
    uniqueIndex("task_attempts_task_attempt_key").on(t.taskId, t.attempt),
    check("task_attempts_outcome_check", sql`outcome IS NULL OR ${inList("outcome", ATTEMPT_OUTCOMES)}`),
    check("task_attempts_attempt_positive_check", sql`attempt > 0`),
    check("task_attempts_summary_length_check", sql`summary IS NULL OR char_length(summary) <= 4000`),
    check("task_attempts_error_length_check", sql`error IS NULL OR char_length(error) <= 4000`),
  ],
);

/** The live card of a task, edited on every change. */
export const taskMessages = pgTable("task_messages", {
  taskId: integer("task_id")
    .primaryKey()
    .references(() => tasks.id, { onDelete: "cascade" }),
  channelId: text("channel_id").notNull(),
  messageId: text("message_id").notNull(),
  renderedVersion: integer("rendered_version").notNull().default(0),
  updatedAt: updatedAt(),
});

export const THREAD_STATES = ["wanted", "open", "gone"] as const;
export type ThreadState = (typeof THREAD_STATES)[number];

/**
 * The thread on a task's card (channels with threads on): `wanted` from the creating transaction until
 * the outbox opens it, `open` with its id, `gone` when Discord deleted it or would not open it (the
 * task's messages then stay in its channel). Apart from task_messages: a card posted again (its
 * message deleted) keeps the thread started on the old one.
 */
export const taskThreads = pgTable(
  "task_threads",
  {
    taskId: integer("task_id")
      .primaryKey()
      .references(() => tasks.id, { onDelete: "cascade" }),
    guildId: text("guild_id").notNull(),
    threadId: text("thread_id"),
    state: text("state").$type<ThreadState>().notNull().default("wanted"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("task_threads_thread_key").on(t.threadId).where(sql`thread_id IS NOT NULL`),
    check("task_threads_state_check", inList("state", THREAD_STATES)),
    check("task_threads_open_has_id_check", sql`state <> 'open' OR thread_id IS NOT NULL`),
  ],
);

/**
 * Gateway events (interactions, mention messages) claimed by an instance while Redis was unavailable:
 * the primary key lets exactly one instance handle each. Pruned after a day by a background job.
 */
export const handledEvents = pgTable(
  "handled_events",
  {
    eventId: text("event_id").primaryKey(),
    handledAt: timestamp("handled_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("handled_events_handled_at_idx").on(t.handledAt)],
);

export type TaskRow = typeof tasks.$inferSelect;
export type NewTaskRow = typeof tasks.$inferInsert;
export type TaskEventRow = typeof taskEvents.$inferSelect;
export type TaskReviewRow = typeof taskReviews.$inferSelect;
export type ChannelSettingsRow = typeof channelSettings.$inferSelect;
export type AgentRow = typeof agents.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type TaskAttemptRow = typeof taskAttempts.$inferSelect;
export type TaskMessageRow = typeof taskMessages.$inferSelect;
export type GuildSettingsRow = typeof guildSettings.$inferSelect;
export type TaskReminderRow = typeof taskReminders.$inferSelect;
