import { PRIORITIES, type Priority, type TaskStatus } from "../task-states.ts";

/** How Task Master's statuses land in Tasklane; anything else becomes open, with a warning. */
const STATUS_MAP: Record<string, { status: TaskStatus; blockReason?: string }> = {
  pending: { status: "open" },
  "in-progress": { status: "in_progress" },
  review: { status: "in_review" },
  done: { status: "done" },
  deferred: { status: "blocked", blockReason: "deferred" },
  blocked: { status: "blocked", blockReason: "blocked in Task Master" },
  cancelled: { status: "cancelled" },
};

export interface MappedStatus {
  status: TaskStatus;
  /** Set for tasks blocked by hand (deferred): finishing their dependencies does not reopen them. */
  blockReason?: string;
  warning?: string;
}

export function mapStatus(raw: string | undefined): MappedStatus {
  const key = (raw ?? "pending").trim().toLowerCase();
  const mapped = STATUS_MAP[key];
  if (mapped) return { ...mapped };
  return { status: "open", warning: `status "${raw}" is not a Task Master status; imported as open` };
}

export function mapPriority(raw: string | undefined): { priority: Priority; warning?: string } {
  if (raw === undefined) return { priority: "medium" };
  const key = raw.trim().toLowerCase();
  if ((PRIORITIES as readonly string[]).includes(key)) return { priority: key as Priority };
  return {
    priority: "medium",
    warning: `priority "${raw}" is not low, medium, high or critical; imported as medium`,
  };
}

export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 4000;

/** The description, then Task Master's details and test strategy under their own headings. */
export function composeDescription(parts: {
  description?: string;
  details?: string;
  testStrategy?: string;
}): { text: string; cut: boolean } {
  const sections = [
    parts.description?.trim() ?? "",
    parts.details?.trim() ? `**Details**\n${parts.details.trim()}` : "",
    parts.testStrategy?.trim() ? `**Test strategy**\n${parts.testStrategy.trim()}` : "",
  ].filter((section) => section !== "");
  const text = sections.join("\n\n");
  if (text.length <= MAX_DESCRIPTION) return { text, cut: false };
  return { text: `${text.slice(0, MAX_DESCRIPTION - 1).trimEnd()}…`, cut: true };
}

export function composeTitle(raw: string): { text: string; cut: boolean } {
  const text = raw.trim().replace(/\s+/g, " ");
  if (text.length <= MAX_TITLE) return { text, cut: false };
  return { text: `${text.slice(0, MAX_TITLE - 1).trimEnd()}…`, cut: true };
}
