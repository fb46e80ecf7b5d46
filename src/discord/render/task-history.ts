import type { APIEmbed } from "discord.js";
import type { TaskEventView } from "../../domain/task-event.ts";
import type { TaskView } from "../../domain/task-view.ts";
import { discordTime, escapeText, oneLine, titleText, userMention } from "./format.ts";
import { fitEmbed, truncate } from "./limits.ts";
import { STATUS_LABELS } from "./status-style.ts";

export function historyLine(event: TaskEventView): string {
  const change =
    event.fromStatus && event.toStatus && event.fromStatus !== event.toStatus
      ? ` (${STATUS_LABELS[event.fromStatus]} → ${STATUS_LABELS[event.toStatus]})`
      : event.toStatus && !event.fromStatus
        ? ` (${STATUS_LABELS[event.toStatus]})`
        : "";
  const note = noteOf(event.details);
  const actor = event.source === "system" ? "Tasklane" : userMention(event.actorId);
  return `${discordTime(event.at, "f")} · ${actor} · **${event.kind.replaceAll("_", " ")}**${change} · ${event.source}${note ? ` — ${escapeText(truncate(note, 200))}` : ""}`;
}

function noteOf(details: Record<string, unknown>): string | null {
  if (typeof details.lastDependency === "number") return `#${details.lastDependency} done`;
  // A recurring task's occurrences name each other.
  const series =
    typeof details.next === "number"
      ? `next occurrence #${details.next}`
      : typeof details.repeats === "number"
        ? `next occurrence of #${details.repeats}`
        : null;
  for (const key of ["text", "reason", "note", "comment", "summary"]) {
    const value = details[key];
    if (typeof value === "string" && value.trim())
      return series ? `${oneLine(value)} · ${series}` : oneLine(value);
  }
  return series;
}

export function renderHistory(
  task: Pick<TaskView, "number" | "title">,
  events: TaskEventView[],
  total: number,
  pageNumber: number,
  pageSize: number,
): APIEmbed {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return fitEmbed({
    title: `History of #${task.number} · ${titleText(task.title)}`,
    description: events.length ? events.map(historyLine).join("\n") : "No events yet.",
    footer: { text: `${total} events, newest first · page ${pageNumber} of ${pages}` },
  });
}
