import type { TaskView } from "../../src/domain/task-view.ts";

/** A plausible TaskView for renderer tests; override what the test is about. */
export function taskView(overrides: Partial<TaskView> = {}): TaskView {
  return {
    id: 41,
    guildId: "100000000000000001",
    channelId: "100000000000000002",
    number: 12,
    title: "Fix login redirect",
    description: "After login the user lands on /undefined.",
    status: "open",
    priority: "high",
    labels: ["backend", "auth"],
    assigneeId: null,
    createdBy: "100000000000000010",
    parent: null,
    estimateMinutes: 90,
    dueAt: "2030-01-02T17:00:00.000Z",
    startedAt: null,
    submittedAt: null,
    completedAt: null,
    attempts: 0,
    nextAttemptAt: null,
    leaseExpiresAt: null,
    reworkCount: 0,
    version: 3,
    createdAt: "2029-12-30T10:00:00.000Z",
    updatedAt: "2029-12-30T11:00:00.000Z",
    dependencies: [],
    blocks: [],
    subtasks: [],
    question: null,
    submission: null,
    lastEvent: { actorId: "100000000000000010", kind: "created", at: "2029-12-30T10:00:00.000Z" },
    ...overrides,
  };
}
