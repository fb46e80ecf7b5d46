/**
 * The language agents speak to Tasklane: the text of a message after the bot's mention is removed.
 * Pure: no Discord, no I/O. Every input parses to a command or to a refusal that says what was wrong.
 */

export type MentionCommand =
  | { name: "next"; labels: string[] }
  | { name: "start" | "release" | "view"; number: number }
  | { name: "progress" | "fail" | "rework" | "comment" | "block" | "ask"; number: number; text: string }
  | { name: "approve"; number: number; text: string }
  | { name: "create"; title: string; parentNumber?: number; labels?: string }
  /** `evidence`: the parsed ```json block after the summary, validated by the service. */
  | { name: "submit"; number: number; text: string; evidence?: unknown }
  | { name: "help" };

export type MentionCommandName = Exclude<MentionCommand["name"], "help">;

export type ParsedMention = { ok: true; command: MentionCommand } | { ok: false; problem: string };

export const MENTION_USAGE: Record<MentionCommandName, string> = {
  next: "next [labels…]",
  start: "start <task>",
  progress: "progress <task> <note>",
  submit: "submit <task> <summary> [```json evidence```]",
  fail: "fail <task> <reason>",
  release: "release <task>",
  view: "view <task>",
  ask: "ask <task> <question>",
  approve: "approve <task> [note]",
  rework: "rework <task> <reason>",
  comment: "comment <task> <text>",
  block: "block <task> <reason>",
  create: "create <title> [parent:<task>] [labels:<a,b>]",
};

type TextCommand = "progress" | "submit" | "fail" | "rework" | "comment" | "block" | "ask";

const TEXT_ARGUMENT: Record<TextCommand, string> = {
  progress: "a note",
  submit: "a summary",
  fail: "a reason",
  rework: "a reason",
  comment: "a text",
  block: "a reason",
  ask: "a question",
};

const MAX_LABELS = 10;
const MAX_TASK_NUMBER = 2_147_483_647;
const MAX_TEXT = 4000;

/** Removes every mention of the bot (`<@id>`, `<@!id>`, and its managed role `<@&id>`) and trims. */
export function stripBotMention(content: string, botUserId: string, botRoleId?: string): string {
  const ids = [botUserId, botRoleId].filter((id): id is string => Boolean(id)).join("|");
  return content.replace(new RegExp(`<@[!&]?(?:${ids})>`, "g"), " ").trim();
}

/**
 * `threadTask`: the number of the task whose thread the message is in; a command there may leave the
 * task out (`submit done`), and one that names a number (`comment 7 …`) still acts on that one.
 */
export function parseMentionCommand(text: string, threadTask?: number): ParsedMention {
  const trimmed = text.trim();
  if (trimmed === "") return refuse("Say what to do.");
  const [word = "", given = ""] = splitFirstWord(trimmed);
  const name = word.toLowerCase();
  const rest = threadTask !== undefined && TAKES_A_TASK.has(name) ? withTask(given, threadTask) : given;
  switch (name) {
    case "help":
    case "usage":
      return { ok: true, command: { name: "help" } };
    case "next":
      return parseNext(rest);
    case "start":
    case "release":
    case "view":
      return parseNumberOnly(name, rest);
    case "submit":
      return parseSubmit(rest);
    case "progress":
    case "fail":
    case "rework":
    case "comment":
    case "block":
    case "ask":
      return parseNumberAndText(name, rest);
    case "approve":
      return parseApprove(rest);
    case "create":
      return parseCreate(rest);
    default:
      return refuse(`I don't know the command "${word.slice(0, 32)}".`);
  }
}

const TAKES_A_TASK = new Set([
  "start",
  "release",
  "view",
  "submit",
  "progress",
  "fail",
  "rework",
  "comment",
  "block",
  "ask",
  "approve",
]);

/** The thread's task in front of the arguments, unless they start with a task number of their own. */
function withTask(rest: string, number: number): string {
  const [first = ""] = splitFirstWord(rest);
  return parseTaskNumber(first) === undefined ? `${number} ${rest}`.trim() : rest;
}

function parseNext(rest: string): ParsedMention {
  const labels = rest
    .split(/[\s,]+/)
    .map((label) => label.trim())
    .filter((label) => label !== "");
  if (labels.length > MAX_LABELS) return refuse(`next takes at most ${MAX_LABELS} labels.`);
  return { ok: true, command: { name: "next", labels: [...new Set(labels)] } };
}

function parseNumberOnly(name: "start" | "release" | "view", rest: string): ParsedMention {
  const [word = "", extra = ""] = splitFirstWord(rest);
  if (word === "") return refuse(`${name} needs a task number, like \`${name} 12\`.`);
  const number = parseTaskNumber(word);
  if (number === undefined) return refuse(`"${word.slice(0, 32)}" is not a task number (like 12 or #12).`);
  if (extra !== "") return refuse(`${name} takes only a task number.`);
  return { ok: true, command: { name, number } };
}

/** `approve 12 [note]`: the note is optional. */
function parseApprove(rest: string): ParsedMention {
  const [word = "", text = ""] = splitFirstWord(rest);
  if (word === "") return refuse("approve needs a task number, like `approve 12 looks good`.");
  const number = parseTaskNumber(word);
  if (number === undefined) return refuse(`"${word.slice(0, 32)}" is not a task number (like 12 or #12).`);
  if (text.length > MAX_TEXT) return refuse(`The text after approve is longer than ${MAX_TEXT} characters.`);
  return { ok: true, command: { name: "approve", number, text } };
}

/** `create <title> [parent:12] [labels:a,b]`: the options may stand anywhere after the verb. */
function parseCreate(rest: string): ParsedMention {
  let parentNumber: number | undefined;
  let labels: string | undefined;
  let problem: string | undefined;
  const title = rest
    .replace(/(?:^|\s)(parent|labels):(\S*)/gi, (_, key: string, value: string) => {
      if (key.toLowerCase() === "labels") labels = value;
      else {
        parentNumber = parseTaskNumber(value);
        if (parentNumber === undefined)
          problem = `"parent:${value.slice(0, 32)}" needs a task number (like parent:12).`;
      }
      return " ";
    })
    .replace(/\s+/g, " ")
    .trim();
  if (problem) return refuse(problem);
  if (title === "") return refuse("create needs a title, like `create Fix the flaky test parent:12`.");
  return {
    ok: true,
    command: {
      name: "create",
      title,
      ...(parentNumber !== undefined ? { parentNumber } : {}),
      ...(labels !== undefined ? { labels } : {}),
    },
  };
}

function parseNumberAndText(name: TextCommand, rest: string): ParsedMention {
  const [word = "", text = ""] = splitFirstWord(rest);
  if (word === "") return refuse(`${name} needs a task number and ${TEXT_ARGUMENT[name]}.`);
  const number = parseTaskNumber(word);
  if (number === undefined) return refuse(`"${word.slice(0, 32)}" is not a task number (like 12 or #12).`);
  if (text === "") return refuse(`${name} needs ${TEXT_ARGUMENT[name]} after the task number.`);
  if (text.length > MAX_TEXT) return refuse(`The text after ${name} is longer than ${MAX_TEXT} characters.`);
  return { ok: true, command: { name, number, text } };
}

const EVIDENCE_BLOCK = /```json[ \t]*\n?([\s\S]*?)```/;

/** `submit 12 <summary>`, optionally with a ```json evidence block anywhere after the number. */
function parseSubmit(rest: string): ParsedMention {
  const match = EVIDENCE_BLOCK.exec(rest);
  if (!match) return parseNumberAndText("submit", rest);
  let evidence: unknown;
  try {
    evidence = JSON.parse(match[1]!);
  } catch (error) {
    const why = error instanceof Error ? error.message.slice(0, 120) : "it does not parse";
    return refuse(`The \`\`\`json evidence block is not valid JSON (${why}); nothing was recorded.`);
  }
  const without = `${rest.slice(0, match.index)} ${rest.slice(match.index + match[0].length)}`.trim();
  const [word = "", summary = ""] = splitFirstWord(without);
  const number = parseTaskNumber(word);
  if (word === "" || number === undefined)
    return refuse(`submit needs a task number first, like \`submit 12 <summary>\`.`);
  const hasSummary =
    summary !== "" || (typeof evidence === "object" && evidence !== null && "summary" in evidence);
  if (!hasSummary) return refuse("submit needs a summary after the task number (or a summary in the block).");
  if (summary.length > MAX_TEXT)
    return refuse(`The text after submit is longer than ${MAX_TEXT} characters.`);
  return { ok: true, command: { name: "submit", number, text: summary, evidence } };
}

/** `12` or `#12`; a positive integer that fits Postgres's integer. */
export function parseTaskNumber(word: string): number | undefined {
  const match = /^#?(\d{1,10})$/.exec(word);
  if (!match) return undefined;
  const number = Number(match[1]);
  return number >= 1 && number <= MAX_TASK_NUMBER ? number : undefined;
}

/** The first whitespace-separated word and the rest, with the rest's inner line breaks kept. */
function splitFirstWord(text: string): [string, string] {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(text.trim());
  return match ? [match[1]!, match[2]!.trim()] : ["", ""];
}

function refuse(problem: string): ParsedMention {
  return { ok: false, problem };
}

/** The usage text every refusal carries; the mention renders as @Tasklane and pings nobody. */
export function mentionUsage(botMention: string): string {
  const lines = Object.values(MENTION_USAGE).map((usage) => `• ${botMention} \`${usage}\``);
  return [
    "Mention me with one of (task = its number, like 12 or #12; in a task's thread it may be left out):",
    ...lines,
  ].join("\n");
}
