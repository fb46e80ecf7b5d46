import type { Priority, TaskStatus } from "./task-states.ts";

/** A task as its card, lists and agents see it: plain values, dates as ISO strings. */
export interface TaskRef {
  number: number;
  title: string;
  status: TaskStatus;
}

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
  parent: TaskRef | null;
  estimateMinutes: number | null;
  dueAt: string | null;
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
  dependencies: TaskRef[];
  subtasks: TaskRef[];
  /** The last change, for card footers: who and what. */
  lastEvent: { actorId: string; kind: string; at: string } | null;
}
