import { titleText, userMention } from "../../src/discord/render/format.ts";
import { STATUS_LABELS } from "../../src/discord/render/status-style.ts";
import type { TaskView } from "../../src/domain/task-view.ts";
import type { TransitionAction } from "../../src/domain/transitions.ts";

/** The ephemeral line that tells the actor what their command did. */
export function confirmation(action: TransitionAction, task: TaskView): string {
  const ref = `**#${task.number}** · ${titleText(task.title)}`;
  switch (action) {
    case "claim":
      return `You claimed ${ref}.`;
    case "assign":
      return task.assigneeId
        ? `${ref} is now assigned to ${userMention(task.assigneeId)}.`
        : `${ref} is unassigned.`;
    case "approve":
      return `You approved ${ref}; it is now ${STATUS_LABELS[task.status]}.`;
    case "request_rework":
      return `You sent ${ref} back for rework.`;
    case "skip":
      return `You skipped ${ref}${task.nextOccurrence ? `; the next one is **#${task.nextOccurrence}**` : ""}.`;
    default:
      return `${ref} is now ${STATUS_LABELS[task.status]}${task.nextOccurrence ? `; the next one is **#${task.nextOccurrence}**` : ""}.`;
  }
}
