import { parseDurationMinutes } from "../../src/domain/validation/durations.ts";
import { type Token, tokenize } from "./tokenize.ts";

/** What a person can type at the sandbox prompt (or put in a --script file). */
export type SandboxLine =
  | { kind: "blank" }
  | { kind: "as"; user: string }
  | { kind: "in"; channel: string }
  /** `/task create title:"x"`: the text after the slash, parsed later against the deployed commands */
  | { kind: "slash"; text: string }
  /** `click Approve on #3`, or `click Next` (the newest message showing that button) */
  | { kind: "click"; label: string; task?: number }
  | { kind: "submit-modal"; fields: Record<string, string> }
  | { kind: "say"; text: string }
  | { kind: "wait"; ms: number }
  /** `later 2h`: the bot's clock jumps ahead and its background jobs run (due dates, reminders) */
  | { kind: "later"; ms: number }
  /** show fenced json blocks (the agents' payloads) whole, or as one summary line */
  | { kind: "json"; show: boolean }
  | { kind: "help" }
  | { kind: "quit" }
  | { kind: "error"; message: string };

/** One line: a `#` comment or blank, a sandbox command, or a slash command. Never throws. */
export function parseLine(raw: string): SandboxLine {
  const line = raw.trim();
  if (line === "" || line.startsWith("#")) return { kind: "blank" };
  if (line.startsWith("/")) {
    return line.length > 1 ? { kind: "slash", text: line.slice(1) } : error("type a command after the /");
  }
  const [word = "", rest = ""] = splitFirst(line);
  switch (word.toLowerCase()) {
    case "as":
      return rest ? { kind: "as", user: rest.replace(/^@/, "") } : error("as whom? e.g. as alice");
    case "in":
      return rest
        ? { kind: "in", channel: rest.replace(/^#/, "") }
        : error("in which channel? e.g. in #backend");
    case "say":
      return rest ? { kind: "say", text: rest } : error("say what? e.g. say @Tasklane next");
    case "click":
      return parseClick(rest);
    case "submit":
      return parseSubmit(rest);
    case "wait":
      return parseWait(rest);
    case "later":
      return parseLater(rest);
    case "json":
      if (rest === "on" || rest === "off") return { kind: "json", show: rest === "on" };
      return error("json on, or json off");
    case "help":
    case "?":
      return { kind: "help" };
    case "quit":
    case "exit":
    case "bye":
      return { kind: "quit" };
    default:
      return error(`"${word}" is not something the sandbox knows; type help`);
  }
}

function parseClick(rest: string): SandboxLine {
  const match = /^(.*?)\s+on\s+#?(\d+)$/i.exec(rest);
  const label = unquote((match ? match[1]! : rest).trim());
  if (!label) return error("click which button? e.g. click Approve on #3");
  return match ? { kind: "click", label, task: Number(match[2]) } : { kind: "click", label };
}

function parseSubmit(rest: string): SandboxLine {
  const [what = "", fieldsText = ""] = splitFirst(rest);
  if (!["modal", "form"].includes(what.toLowerCase()))
    return error('did you mean: submit modal reason:"needs tests"');
  let tokens: Token[];
  try {
    tokens = tokenize(fieldsText);
  } catch (e) {
    return error((e as Error).message);
  }
  const fields: Record<string, string> = {};
  let last: string | undefined;
  for (const token of tokens) {
    if (token.key !== undefined) {
      last = token.key;
      fields[last] = token.value;
    } else if (last !== undefined) {
      fields[last] = `${fields[last]} ${token.value}`;
    } else {
      return error(`write each field as name:value, e.g. reason:"needs tests" (got ${token.value})`);
    }
  }
  return { kind: "submit-modal", fields };
}

function parseWait(rest: string): SandboxLine {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(rest.trim() || "1s");
  if (!match) return error("wait how long? e.g. wait 2s");
  const ms = Number(match[1]) * (match[2] === "ms" ? 1 : 1000);
  return ms <= 60_000 ? { kind: "wait", ms } : error("wait at most 60s");
}

const MAX_LATER_MINUTES = 30 * 24 * 60;

function parseLater(rest: string): SandboxLine {
  const minutes = parseDurationMinutes(rest || "1h");
  if (minutes === null || minutes < 1) return error("later by how much? e.g. later 2h, later 1d");
  return minutes <= MAX_LATER_MINUTES
    ? { kind: "later", ms: minutes * 60_000 }
    : error("later by at most 30d");
}

function splitFirst(text: string): [string, string] {
  const match = /^(\S+)\s*(.*)$/s.exec(text);
  return match ? [match[1]!, match[2]!.trim()] : ["", ""];
}

function unquote(text: string): string {
  const match = /^(["'])(.*)\1$/.exec(text);
  return match ? match[2]! : text;
}

function error(message: string): SandboxLine {
  return { kind: "error", message };
}
