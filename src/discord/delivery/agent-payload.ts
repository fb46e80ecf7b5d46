import type { Priority, Recurrence, TaskStatus } from "../../domain/task-states.ts";
import type { LinkedTaskRef, TaskView } from "../../domain/task-view.ts";
import type { ChannelSettingsView } from "../../services/views.ts";

/**
 * The machine-readable block in every message Tasklane writes for agents (assignments, reworks,
 * replies to mention commands, retry/dead-letter announcements). Its JSON Schema, one for every
 * type, is published next to this file (assignment.schema.json); bump the version on any change
 * that is not purely additive.
 */
export const PAYLOAD_VERSION = 1;
export const MAX_LISTED_DEPENDENCIES = 25;

export interface TaskPayload {
  number: number;
  title: string;
  description: string;
  /** True when the description was shortened to fit Discord's 2000-character message (the card has it all). */
  descriptionTruncated: boolean;
  status: TaskStatus;
  priority: Priority;
  labels: string[];
  assignee: string | null;
  due: string | null;
  /** Its due time came while it was live (cleared by a new due date). */
  overdue: boolean;
  /** A recurring task's period: its next occurrence is created when it is done or skipped. */
  repeat: Recurrence | null;
  dependencies: { number: number; status: TaskStatus }[];
  /** Failed attempts counted so far (agent fail or expired lease). */
  failedAttempts: number;
  maxAttempts: number;
  leaseExpiresAt: string | null;
  /** While backing off after a failed attempt: when the task is handed out again. */
  nextAttemptAt: string | null;
  version: number;
}

export interface ReplyHelp {
  /** Start every reply with this mention of the bot. */
  mention: string;
  start: string;
  progress: string;
  submit: string;
  fail: string;
  release: string;
  view: string;
}

interface Envelope {
  tasklane: typeof PAYLOAD_VERSION;
  guild: string;
  channel: string;
}

export interface AssignmentPayload extends Envelope {
  type: "assignment";
  assignee: string;
  /** 1 for the first delivery; n for the n-th try after n-1 failed attempts. */
  attempt: number;
  maxAttempts: number;
  /** How long a lease lasts once the agent starts; `progress` renews it. */
  leaseMinutes: number;
  leaseExpiresAt: string | null;
  task: TaskPayload;
  reply: ReplyHelp;
  /** The task's thread (channels with threads on): its conversation is there, and the number may be left out. */
  thread?: string;
}

export interface ReplyPayload extends Envelope {
  type: "reply";
  command: string | null;
  ok: boolean;
  message: string;
  task: TaskPayload | null;
  error?: { code: string; ref?: string };
}

export interface AnnouncementPayload extends Envelope {
  type: "announcement";
  kind: "retry" | "dead_letter";
  message: string;
  task: TaskPayload;
}

/** A reviewer sent the task back: what to change, and the attempt this opens. */
export interface ReworkPayload extends Envelope {
  type: "rework";
  assignee: string;
  reviewer: string;
  reason: string;
  /** How many times the task has been sent back, this one included. */
  rework: number;
  attempt: number;
  leaseMinutes: number;
  leaseExpiresAt: string | null;
  task: TaskPayload;
  reply: ReplyHelp;
}

/** The answer to the agent's question: the lease runs again from here. */
export interface AnswerPayload extends Envelope {
  type: "answer";
  assignee: string;
  answeredBy: string;
  question: string;
  answer: string;
  leaseExpiresAt: string | null;
  task: TaskPayload;
  reply: ReplyHelp;
}

/** A due date is near, here or past: who it is for, and when. */
export interface ReminderPayload extends Envelope {
  type: "reminder";
  /** before: ahead of the due time; due: at it; overdue: a day or more after it. */
  kind: "before" | "due" | "overdue";
  /** Minutes before the due time this reminder is for (negative: after it). */
  offsetMinutes: number;
  due: string;
  /** Pinged; null when the task has no assignee (the creator is named instead). */
  assignee: string | null;
  task: TaskPayload;
  reply: ReplyHelp;
}

export type AgentPayload =
  | AssignmentPayload
  | ReminderPayload
  | ReworkPayload
  | AnswerPayload
  | ReplyPayload
  | AnnouncementPayload;

export function taskPayload(task: TaskView, settings: Pick<ChannelSettingsView, "maxAttempts">): TaskPayload {
  return {
    number: task.number,
    title: task.title,
    description: task.description,
    descriptionTruncated: false,
    status: task.status,
    priority: task.priority,
    labels: task.labels,
    assignee: task.assigneeId,
    due: task.dueAt,
    overdue: task.overdue,
    repeat: task.repeat,
    // A dependency in a channel the payload's readers cannot see is left out.
    dependencies: task.dependencies
      .filter((dependency): dependency is LinkedTaskRef => !dependency.hidden)
      .slice(0, MAX_LISTED_DEPENDENCIES)
      .map((dependency) => ({ number: dependency.number, status: dependency.status })),
    failedAttempts: task.attempts,
    maxAttempts: settings.maxAttempts,
    leaseExpiresAt: task.leaseExpiresAt,
    nextAttemptAt: task.nextAttemptAt,
    version: task.version,
  };
}

export function replyHelp(botUserId: string, number: number): ReplyHelp {
  const mention = `<@${botUserId}>`;
  return {
    mention,
    start: `${mention} start ${number}`,
    progress: `${mention} progress ${number} <note>`,
    submit: `${mention} submit ${number} <summary>`,
    fail: `${mention} fail ${number} <reason>`,
    release: `${mention} release ${number}`,
    view: `${mention} view ${number}`,
  };
}

export interface AssignmentInput {
  task: TaskView;
  settings: Pick<ChannelSettingsView, "maxAttempts" | "leaseMinutes">;
  assigneeId: string;
  attempt: number;
  botUserId: string;
}

export function assignmentPayload({
  task,
  settings,
  assigneeId,
  attempt,
  botUserId,
}: AssignmentInput): AssignmentPayload {
  return {
    tasklane: PAYLOAD_VERSION,
    type: "assignment",
    guild: task.guildId,
    channel: task.channelId,
    assignee: assigneeId,
    attempt,
    maxAttempts: settings.maxAttempts,
    leaseMinutes: settings.leaseMinutes,
    leaseExpiresAt: task.leaseExpiresAt,
    task: taskPayload(task, settings),
    reply: replyHelp(botUserId, task.number),
  };
}

export interface ReworkInput {
  task: TaskView;
  settings: Pick<ChannelSettingsView, "maxAttempts" | "leaseMinutes">;
  assigneeId: string;
  reviewerId: string;
  reason: string;
  rework: number;
  attempt: number;
  botUserId: string;
}

export function reworkPayload(input: ReworkInput): ReworkPayload {
  const { task, settings } = input;
  return {
    tasklane: PAYLOAD_VERSION,
    type: "rework",
    guild: task.guildId,
    channel: task.channelId,
    assignee: input.assigneeId,
    reviewer: input.reviewerId,
    reason: input.reason,
    rework: input.rework,
    attempt: input.attempt,
    leaseMinutes: settings.leaseMinutes,
    leaseExpiresAt: task.leaseExpiresAt,
    task: taskPayload(task, settings),
    reply: replyHelp(input.botUserId, task.number),
  };
}
