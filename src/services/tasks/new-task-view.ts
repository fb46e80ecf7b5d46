import type { EventSource } from "../../domain/task-states.ts";
import type { TaskView } from "../../domain/task-view.ts";
import type { TaskRow } from "../../store/schema.ts";
import { toTaskView } from "../../store/task-views.ts";

const ref = (task: TaskRow) => ({
  number: task.number,
  title: task.title,
  status: task.status,
  channelId: task.channelId,
});

/**
 * The view of a task just inserted, from what the transaction already holds (no query): the same as a
 * fresh read (selectTaskView) would return, so it may be cached as one.
 */
export function newTaskView(
  task: TaskRow,
  parent: TaskRow | null,
  dependencies: TaskRow[],
  source: EventSource,
): TaskView {
  return toTaskView(task, {
    parent: parent ? ref(parent) : null,
    dependencies: dependencies.map(ref).sort((a, b) => a.number - b.number),
    blocks: [],
    subtasks: [],
    question: null,
    submission: null,
    lastEvent: {
      actorId: task.createdBy,
      kind: "created",
      at: task.createdAt.toISOString(),
      source,
      dependency: null,
    },
  });
}
