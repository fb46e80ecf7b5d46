import type { APIEmbed } from "discord.js";
import type { AttemptQuestion, AttemptView, TaskView } from "../../domain/task-view.ts";
import { discordTime, escapeText, titleText, userMention } from "./format.ts";
import { LIMITS, truncate } from "./limits.ts";
import { STATUS_COLOURS } from "./status-style.ts";

const OUTCOME_WORDS: Record<NonNullable<AttemptView["outcome"]>, string> = {
  submitted: "submitted",
  failed: "failed",
  expired: "lease expired",
  released: "released",
};

/** A file with every attempt in full, attached when the embed cannot hold them. */
export interface AttemptsFile {
  name: string;
  text: string;
}

export interface RenderedAttempts {
  embeds: APIEmbed[];
  file: AttemptsFile | null;
}

/** "Attempt 2 · @agent · submitted <t:…:R>" */
function attemptHeading(attempt: AttemptView): string {
  const ended = attempt.endedAt ? ` ${discordTime(attempt.endedAt, "R")}` : "";
  const how = attempt.outcome ? `${OUTCOME_WORDS[attempt.outcome]}${ended}` : "running";
  return `**Attempt ${attempt.attempt}** · ${userMention(attempt.assigneeId)} · ${how}`;
}

/** `text` escapes the user's words for Discord's markdown; the attached file keeps them as written. */
function attemptBody(attempt: AttemptView, text: (words: string) => string = escapeText): string[] {
  const lines: string[] = [];
  if (attempt.summary) lines.push(text(attempt.summary));
  const result = attempt.result;
  if (result?.files?.length)
    lines.push(`Files: ${result.files.map((file) => `${text(file.path)} (${file.change})`).join(", ")}`);
  if (result?.tests) {
    const { passed, failed, skipped, command } = result.tests;
    lines.push(
      `Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}${command ? ` (${text(command)})` : ""}`,
    );
  }
  if (result?.links?.length) lines.push(`Links: ${result.links.map(text).join(" ")}`);
  if (result?.notes) lines.push(`Notes: ${text(result.notes)}`);
  if (attempt.error) lines.push(`Reason: ${text(attempt.error)}`);
  for (const asked of attempt.questions) lines.push(...questionLines(asked, text));
  return lines;
}

/** "Q (@agent): Which branch?" and, once answered, "A (@alice): main". */
function questionLines(asked: AttemptQuestion, text: (words: string) => string): string[] {
  const lines = [`Q (${userMention(asked.askedBy)}): ${text(asked.question)}`];
  lines.push(
    asked.answer === null
      ? "A: waiting for an answer"
      : `A (${userMention(asked.answeredBy ?? "")}): ${text(asked.answer)}`,
  );
  return lines;
}

/** One line per attempt, for `/task view`, and one per question asked during it. */
export function attemptsSummary(attempts: AttemptView[]): string {
  const lines = attempts.map((attempt) => {
    const first = attemptBody({ ...attempt, questions: [] })[0];
    const heading = first
      ? `${attemptHeading(attempt)} — ${truncate(first.replaceAll("\n", " "), 120)}`
      : attemptHeading(attempt);
    const asked = attempt.questions.map(
      (question) =>
        `↳ ${truncate(questionLines(question, escapeText).join(" · ").replaceAll("\n", " "), 200)}`,
    );
    return [heading, ...asked].join("\n");
  });
  return truncate(lines.join("\n"), LIMITS.fieldValue);
}

/**
 * `/task attempts`: every attempt in full. When that does not fit one embed, the embed lists them
 * shortened and the whole text goes in an attached file, so nothing is ever cut off unseen.
 */
export function renderAttempts(task: TaskView, attempts: AttemptView[]): RenderedAttempts {
  const title = truncate(`Attempts on #${task.number} · ${titleText(task.title)}`, LIMITS.embedTitle);
  const color = STATUS_COLOURS[task.status];
  if (attempts.length === 0)
    return { embeds: [{ title, color, description: "No attempts yet: nobody has started it." }], file: null };
  const full = attempts
    .map((attempt) => [attemptHeading(attempt), ...attemptBody(attempt)].join("\n"))
    .join("\n\n");
  if (full.length <= LIMITS.embedDescription)
    return { embeds: [{ title, color, description: full }], file: null };
  const name = `task-${task.number}-attempts.md`;
  const short = attempts.map((attempt) => {
    const first = attemptBody(attempt)[0];
    return first ? `${attemptHeading(attempt)}\n${truncate(first, 200)}` : attemptHeading(attempt);
  });
  const description = truncate(
    [`Too long for one message: every attempt in full is in **${name}**.`, ...short].join("\n\n"),
    LIMITS.embedDescription,
  );
  return { embeds: [{ title, color, description }], file: { name, text: plainText(task, attempts) } };
}

function plainText(task: TaskView, attempts: AttemptView[]): string {
  const blocks = attempts.map((attempt) => {
    const how = attempt.outcome ? OUTCOME_WORDS[attempt.outcome] : "running";
    const when = `started ${attempt.startedAt}${attempt.endedAt ? `, ended ${attempt.endedAt}` : ""}`;
    return [
      `## Attempt ${attempt.attempt}: ${how}`,
      `by ${attempt.assigneeId}, ${when}`,
      "",
      ...attemptBody(attempt, (words) => words),
    ].join("\n");
  });
  return `${[`# Attempts on #${task.number}: ${task.title}`, "", ...blocks].join("\n\n")}\n`;
}
