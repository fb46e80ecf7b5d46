import type { Priority, TaskStatus } from "../../domain/task-states.ts";

export const STATUS_LABELS: Record<TaskStatus, string> = {
  open: "Open",
  in_progress: "In progress",
  in_review: "In review",
  blocked: "Blocked",
  done: "Done",
  cancelled: "Cancelled",
  failed: "Failed",
};

export const STATUS_COLOURS: Record<TaskStatus, number> = {
  open: 0x3498db,
  in_progress: 0xf1c40f,
  in_review: 0x9b59b6,
  blocked: 0xe67e22,
  done: 0x2ecc71,
  cancelled: 0x95a5a6,
  failed: 0xe74c3c,
};

/** A live task past its due time, whatever its status. */
export const OVERDUE_COLOUR = 0xc0392b;

export const PRIORITY_LABELS: Record<Priority, string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  critical: "Critical",
};
