import type { TaskRow } from "../../store/schema.ts";
import type { TaskView } from "../types.ts";

const iso = (date: Date | null) => date?.toISOString() ?? null;
const ref = (task: TaskRow) => ({ number: task.number, title: task.title, status: task.status });

/** The view of a task just inserted, from what the transaction already holds (no query). */
export function newTaskView(task: TaskRow, parent: TaskRow | null, dependencies: TaskRow[]): TaskView {
  return {
    id: task.id,
    guildId: task.guildId,
    channelId: task.channelId,
    number: task.number,
    title: task.title,
    description: task.description,
    status: task.status,
    priority: task.priority,
    labels: task.labels,
    assigneeId: task.assigneeId,
    createdBy: task.createdBy,
    parent: parent ? ref(parent) : null,
    estimateMinutes: task.estimateMinutes,
    dueAt: iso(task.dueAt),
    startedAt: iso(task.startedAt),
    submittedAt: iso(task.submittedAt),
    completedAt: iso(task.completedAt),
    attempts: task.attempts,
    nextAttemptAt: iso(task.nextAttemptAt),
    leaseExpiresAt: iso(task.leaseExpiresAt),
    reworkCount: task.reworkCount,
    version: task.version,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
    dependencies: dependencies.map(ref).sort((a, b) => a.number - b.number),
    blocks: [],
    subtasks: [],
    question: null,
    submission: null,
    lastEvent: { actorId: task.createdBy, kind: "created", at: task.createdAt.toISOString() },
  };
}
