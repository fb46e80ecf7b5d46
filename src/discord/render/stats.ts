import type { APIEmbed } from "discord.js";
import { PRIORITIES, TASK_STATUSES } from "../../domain/task-states.ts";
import type { StatsView } from "../../services/views.ts";
import { inlineCode, minutesText, taskRefLine, userMention } from "./format.ts";
import { fitEmbed } from "./limits.ts";
import { PRIORITY_LABELS, STATUS_LABELS } from "./status-style.ts";

const NONE = "—";

export function renderStats(stats: StatsView, scopeText: string): APIEmbed {
  const byStatus = TASK_STATUSES.map((status) => `${STATUS_LABELS[status]}: ${stats.byStatus[status] ?? 0}`);
  const byPriority = PRIORITIES.map((p) => `${PRIORITY_LABELS[p]}: ${stats.byPriority[p] ?? 0}`);
  const labels = stats.labels
    .slice(0, 10)
    .map((l) => `${inlineCode(l.label)} ${l.done}/${l.total} done (${Math.round(l.percent)}%)`);
  const assignees = stats.assignees.slice(0, 10).map((a) => {
    const average =
      a.avgCompletionMinutes === null ? "" : ` · avg ${minutesText(Math.round(a.avgCompletionMinutes))}`;
    return `${userMention(a.userId)}: ${a.live} live, ${a.inProgress} in progress, ${a.done} done${average}`;
  });
  const { estimates } = stats;
  const estimateText = estimates.tasks
    ? `${estimates.tasks} tasks: estimated ${minutesText(estimates.estimatedMinutes)}, actual ${minutesText(Math.round(estimates.actualMinutes))}${estimates.ratio === null ? "" : ` (×${estimates.ratio.toFixed(2)})`}`
    : NONE;
  return fitEmbed({
    title: `Task stats · ${scopeText}`,
    fields: [
      { name: "By status", value: byStatus.join("\n"), inline: true },
      { name: "By priority", value: byPriority.join("\n"), inline: true },
      { name: "Reviews pending", value: String(stats.reviewsPending), inline: true },
      { name: "Overdue", value: String(stats.overdue), inline: true },
      { name: "Labels", value: labels.join("\n") || NONE },
      { name: "Assignees", value: assignees.join("\n") || NONE },
      { name: "Estimates vs actual", value: estimateText },
      { name: "Oldest open", value: stats.oldestOpen.map(taskRefLine).join("\n") || NONE },
    ],
  });
}
