import type { APIActionRowComponent, APIButtonComponent, APIEmbed, APIEmbedField } from "discord.js";
import { RECURRENCE_WORDS } from "../../domain/recurrence.ts";
import { isLive } from "../../domain/task-states.ts";
import type { AttemptView, LinkedRef, TaskView } from "../../domain/task-view.ts";
import {
  discordTime,
  escapeText,
  inlineCode,
  minutesText,
  taskRefLine,
  titleText,
  userMention,
} from "./format.ts";
import { fitButtonRows, fitEmbed, truncate } from "./limits.ts";
import { OVERDUE_COLOUR, PRIORITY_LABELS, STATUS_COLOURS, STATUS_LABELS } from "./status-style.ts";
import { taskButtons } from "./task-buttons.ts";

export interface CardOptions {
  /** The channel's setting: decides between "Submit for review" and "Mark done". */
  requireReview: boolean;
  /** Footers cannot render mentions, so they show names; default: the raw id. */
  nameOf?: (userId: string) => string;
  /** Ephemeral copies (e.g. /task view) may leave the buttons off. */
  withButtons?: boolean;
}

export interface RenderedCard {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
}

const NONE = "—";

export function renderTaskCard(task: TaskView, options: CardOptions): RenderedCard {
  const embed = fitEmbed({
    title: `#${task.number} · ${titleText(task.title)}`,
    description: describe(task),
    color: isOverdue(task) ? OVERDUE_COLOUR : STATUS_COLOURS[task.status],
    fields: cardFields(task),
    footer: { text: footerText(task, options.nameOf ?? ((id) => id)) },
    timestamp: task.lastEvent?.at ?? task.updatedAt,
  });
  const buttons = options.withButtons === false ? [] : taskButtons(task, options.requireReview);
  return { embeds: [embed], components: fitButtonRows(buttons) };
}

function cardFields(task: TaskView): APIEmbedField[] {
  return [
    { name: "Status", value: statusText(task), inline: true },
    { name: "Priority", value: PRIORITY_LABELS[task.priority], inline: true },
    { name: "Assignee", value: task.assigneeId ? userMention(task.assigneeId) : "Unassigned", inline: true },
    {
      name: "Labels",
      value: task.labels.length ? task.labels.map(inlineCode).join(" ") : NONE,
      inline: true,
    },
    {
      name: "Due",
      value: task.dueAt
        ? `${discordTime(task.dueAt)} (${discordTime(task.dueAt, "R")})${isOverdue(task) ? " · **Overdue**" : ""}`
        : NONE,
      inline: true,
    },
    { name: "Depends on", value: refList(task.dependencies) },
    ...(task.blocks.length ? [{ name: "Blocks", value: refNumbers(task.blocks) }] : []),
    { name: "Subtasks", value: refList(task.subtasks) },
    ...(task.question
      ? [
          {
            name: "Question",
            value: truncate(`${userMention(task.question.askedBy)}: ${escapeText(task.question.text)}`, 1024),
          },
        ]
      : []),
    ...(task.submission ? [{ name: "Submission", value: submissionText(task.submission) }] : []),
  ];
}

const FILES_ON_CARD = 3;
const SUMMARY_ON_CARD = 600;

/** What a reviewer reads before deciding: the summary, the first files changed, the test counts. */
export function submissionText(submission: AttemptView): string {
  const lines: string[] = [];
  const summary = submission.summary?.trim();
  lines.push(summary ? escapeText(truncate(summary, SUMMARY_ON_CARD)) : "(no summary)");
  const files = submission.result?.files ?? [];
  if (files.length > 0) {
    const shown = files.slice(0, FILES_ON_CARD).map((file) => `${inlineCode(file.path)} ${file.change}`);
    const more = files.length > FILES_ON_CARD ? ` and ${files.length - FILES_ON_CARD} more` : "";
    lines.push(`Files: ${shown.join(", ")}${more}`);
  }
  const tests = submission.result?.tests;
  if (tests) {
    const skipped = tests.skipped ? `, ${tests.skipped} skipped` : "";
    lines.push(`Tests: ${tests.passed} passed, ${tests.failed} failed${skipped}`);
  }
  lines.push(`Attempt ${submission.attempt} by ${userMention(submission.assigneeId)}`);
  return truncate(lines.join("\n"), 1024);
}

/** "#7, #9 (private)": what waits for this task; one the reader cannot see keeps only its number. */
function refNumbers(refs: readonly LinkedRef[]): string {
  return truncate(
    refs.map((ref) => (ref.hidden ? `#${ref.number} (private)` : `#${ref.number}`)).join(", "),
    1024,
  );
}

function statusText(task: TaskView): string {
  const status = STATUS_LABELS[task.status];
  if (task.status === "open" && task.nextAttemptAt && Date.parse(task.nextAttemptAt) > Date.now())
    return `${status} (retry ${discordTime(task.nextAttemptAt, "R")})`;
  const counted = task.reworkCount > 0 ? `${status} (rework ${task.reworkCount})` : status;
  return task.question ? `${counted} · Waiting for an answer` : counted;
}

function describe(task: TaskView): string | undefined {
  const extras: string[] = [];
  if (task.parent) extras.push(`Subtask of ${taskRefLine(task.parent)}`);
  if (task.estimateMinutes) extras.push(`Estimate ${minutesText(task.estimateMinutes)}`);
  if (task.attempts > 0) extras.push(`Attempt ${task.attempts}`);
  if (task.repeat) extras.push(`Repeats ${RECURRENCE_WORDS[task.repeat]}`);
  if (task.nextOccurrence) extras.push(`Next occurrence #${task.nextOccurrence}`);
  const parts = [escapeText(task.description.trim()), extras.join(" · ")].filter((part) => part.length > 0);
  return parts.length ? parts.join("\n\n") : undefined;
}

/** Its due time came while it was live (the reminders job marks it); closed tasks are never overdue. */
export function isOverdue(task: TaskView): boolean {
  return task.overdue && isLive(task.status);
}

function refList(refs: readonly LinkedRef[]): string {
  return refs.length ? refs.map(taskRefLine).join("\n") : NONE;
}

function footerText(task: TaskView, nameOf: (userId: string) => string): string {
  const created = `Created by ${nameOf(task.createdBy)}`;
  if (!task.lastEvent || task.lastEvent.kind === "created") return created;
  const { kind, actorId, source, dependency } = task.lastEvent;
  // Tasklane's own actions say so, and why: "unblocked by Tasklane: #3 done".
  const by = source === "system" ? `Tasklane${dependency ? `: #${dependency} done` : ""}` : nameOf(actorId);
  return `${created} · last: ${kind.replaceAll("_", " ")} by ${by}`;
}
