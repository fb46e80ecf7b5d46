import type { Priority, TaskStatus } from "./task-states.ts";

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
  subtasks: LinkedRef[];
  /** The last change, for card footers: who and what. */
  lastEvent: { actorId: string; kind: string; at: string } | null;
}
