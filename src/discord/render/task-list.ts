import type { APIEmbed } from "discord.js";
import { RECURRENCE_WORDS } from "../../domain/recurrence.ts";
import { isLive } from "../../domain/task-states.ts";
import type { TaskView } from "../../domain/task-view.ts";
import { discordTime, titleText, userMention } from "./format.ts";
import { fitEmbed } from "./limits.ts";
import { PRIORITY_LABELS, STATUS_LABELS } from "./status-style.ts";

export interface TaskListPage {
  title: string;
  items: TaskView[];
  /** How many matched in all; unknown for the queue (its summary says the count). */
  total?: number;
  /** The count stopped at `total`: more matched. */
  totalCapped?: boolean;
  /** 1-based. */
  pageNumber: number;
  pageSize: number;
  /** A line above the items, e.g. the queue's count / limit. */
  summary?: string;
  empty?: string;
}

export function taskLine(task: TaskView): string {
  const parts = [
    `**#${task.number}** ${titleText(task.title)}`,
    STATUS_LABELS[task.status],
    PRIORITY_LABELS[task.priority],
  ];
  if (task.assigneeId) parts.push(userMention(task.assigneeId));
  if (task.dueAt)
    parts.push(
      `${task.overdue && isLive(task.status) ? "**overdue**, " : ""}due ${discordTime(task.dueAt, "R")}`,
    );
  if (task.repeat) parts.push(`repeats ${RECURRENCE_WORDS[task.repeat]}`);
  return parts.join(" · ");
}

export function renderTaskList(page: TaskListPage): APIEmbed {
  const lines = page.items.map(taskLine);
  const body = lines.length ? lines.join("\n") : (page.empty ?? "Nothing matched.");
  const footer = page.total === undefined ? `page ${page.pageNumber}` : matchedText(page, page.total);
  return fitEmbed({
    title: page.title,
    description: page.summary ? `${page.summary}\n\n${body}` : body,
    footer: { text: footer },
  });
}

function matchedText(page: TaskListPage, total: number): string {
  const pages = Math.max(1, Math.ceil(total / page.pageSize));
  if (page.totalCapped)
    return `${total.toLocaleString("en-US")}+ matched · page ${page.pageNumber} of ${pages}+`;
  return `${total} matched · page ${page.pageNumber} of ${pages}`;
}
