import type { TaskEventView } from "../../domain/task-event.ts";
import type { TaskView } from "../../domain/task-view.ts";

export const CSV_COLUMNS = [
  "number",
  "title",
  "status",
  "priority",
  "assignee",
  "labels",
  "due",
  "estimate_minutes",
  "parent",
  "dependencies",
  "channel",
  "created",
  "updated",
  "completed",
  "repeat",
] as const;

/** One row per task, as CSV_COLUMNS name them; lists are `;`-separated, times ISO 8601 (UTC). */
export function csvRow(task: TaskView): string[] {
  return [
    String(task.number),
    task.title,
    task.status,
    task.priority,
    task.assigneeId ?? "",
    task.labels.join(";"),
    task.dueAt ?? "",
    task.estimateMinutes === null ? "" : String(task.estimateMinutes),
    task.parent ? String(task.parent.number) : "",
    task.dependencies.map((dependency) => dependency.number).join(";"),
    task.channelId,
    task.createdAt,
    task.updatedAt,
    task.completedAt ?? "",
    task.repeat ?? "",
  ];
}

/**
 * RFC 4180: CRLF line ends, fields quoted when they hold a quote, comma or line break. User text that a
 * spreadsheet would run as a formula (= + - @, tab, CR at the start) gets a leading apostrophe.
 */
export function toCsv(tasks: readonly TaskView[]): string {
  const lines = [CSV_COLUMNS.join(","), ...tasks.map((task) => csvRow(task).map(csvField).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}

const FORMULA_START = /^[=+\-@\t\r]/;

function csvField(value: string): string {
  const safe = FORMULA_START.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export interface ExportedTask {
  number: number;
  title: string;
  description: string;
  status: TaskView["status"];
  priority: TaskView["priority"];
  assigneeId: string | null;
  createdBy: string;
  labels: string[];
  dueAt: string | null;
  estimateMinutes: number | null;
  parent: number | null;
  dependencies: number[];
  channelId: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  repeat: TaskView["repeat"];
  history: Omit<TaskEventView, "id">[];
}

export interface ExportDocument {
  tasklane: 1;
  guildId: string;
  exportedAt: string;
  filters: { status: string; scope: string };
  tasks: ExportedTask[];
}

export function exportedTask(task: TaskView, history: TaskEventView[]): ExportedTask {
  return {
    number: task.number,
    title: task.title,
    description: task.description,
    status: task.status,
    priority: task.priority,
    assigneeId: task.assigneeId,
    createdBy: task.createdBy,
    labels: task.labels,
    dueAt: task.dueAt,
    estimateMinutes: task.estimateMinutes,
    parent: task.parent?.number ?? null,
    dependencies: task.dependencies.map((dependency) => dependency.number),
    channelId: task.channelId,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    completedAt: task.completedAt,
    repeat: task.repeat,
    history: history.map(({ id: _id, ...event }) => event),
  };
}
