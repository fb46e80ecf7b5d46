import type { EventSource, TaskStatus } from "./task-states.ts";

/** One entry of a task's audit trail (task_events), as history, exports and the card's renderers read it. */
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
