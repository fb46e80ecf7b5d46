import type { Style } from "./style.ts";

/** How ids read as names, and how much to show: what the renderers share. */
export interface RenderContext {
  style: Style;
  /** columns available for a message */
  width: number;
  userName(id: string): string;
  roleName(id: string): string;
  channelName(id: string): string;
  /** the person at the prompt: their ephemeral messages say "only you" */
  viewerId?: string;
  /** show fenced json blocks whole (default: one summary line) */
  fullJson?: boolean;
  now?: () => number;
}

/**
 * Discord message text as a person reads it: mentions as @name / #channel, timestamps as dates,
 * **bold**, *italic*, `code`, and fenced blocks. Mentions are never turned into pings here.
 */
export function renderText(text: string, ctx: RenderContext): string {
  const parts = text.split(/(```[\s\S]*?```)/);
  return parts
    .map((part) =>
      part.startsWith("```") && part.endsWith("```") ? fencedBlock(part, ctx) : inline(part, ctx),
    )
    .join("")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export function inline(text: string, ctx: RenderContext): string {
  const { style } = ctx;
  return text
    .replace(/<@!?(\d+)>/g, (_m, id: string) => style.cyan(`@${ctx.userName(id)}`))
    .replace(/<@&(\d+)>/g, (_m, id: string) => style.cyan(`@${ctx.roleName(id)}`))
    .replace(/<#(\d+)>/g, (_m, id: string) => style.cyan(`#${ctx.channelName(id)}`))
    .replace(/<t:(-?\d+)(?::([tTdDfFR]))?>/g, (_m, unix: string, format?: string) =>
      timestamp(Number(unix) * 1000, format ?? "f", ctx.now?.() ?? Date.now()),
    )
    .replace(/\*\*(.+?)\*\*/g, (_m, inner: string) => style.bold(inner))
    .replace(/(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])/g, (_m, inner: string) => style.italic(inner))
    .replace(/(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)/g, (_m, inner: string) => style.italic(inner))
    .replace(/`([^`\n]+)`/g, (_m, inner: string) => (style.enabled ? style.yellow(inner) : `\`${inner}\``));
}

function fencedBlock(block: string, ctx: RenderContext): string {
  const match = /^```(\w*)\n?([\s\S]*?)\n?```$/.exec(block);
  const language = match?.[1] ?? "";
  const body = match?.[2] ?? "";
  if (language === "json" && !ctx.fullJson) {
    const lines = body.split("\n").length;
    const summary = jsonSummary(body);
    return `\n${ctx.style.dim(`{json} ${summary} (${lines} lines; "json on" shows them)`)}\n`;
  }
  return `\n${body
    .split("\n")
    .map((line) => ctx.style.dim(`  ${line}`))
    .join("\n")}\n`;
}

/** `assignment #4 "Fix login", attempt 1` from the agent payload; the first keys otherwise. */
function jsonSummary(body: string): string {
  try {
    const value = JSON.parse(body) as Record<string, unknown>;
    const task = value.task as Record<string, unknown> | null | undefined;
    const bits = [
      typeof value.type === "string" ? value.type : undefined,
      typeof value.command === "string" ? value.command : undefined,
      value.ok === false ? "not ok" : undefined,
      task && typeof task.number === "number" ? `#${task.number}` : undefined,
      task && typeof task.status === "string" ? task.status : undefined,
    ].filter(Boolean);
    return bits.length > 0 ? bits.join(" · ") : Object.keys(value).slice(0, 4).join(", ");
  } catch {
    return "(not valid JSON)";
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Discord's `<t:…>` styles, in UTC so transcripts read the same everywhere. */
export function timestamp(ms: number, format: string, now: number): string {
  const d = new Date(ms);
  const hhmm = `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
  const date = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  switch (format) {
    case "R":
      return relative(ms - now);
    case "t":
    case "T":
      return `${hhmm} UTC`;
    case "d":
    case "D":
      return date;
    default:
      return `${date} ${hhmm} UTC`;
  }
}

function relative(deltaMs: number): string {
  const seconds = Math.round(Math.abs(deltaMs) / 1000);
  const units: [number, string][] = [
    [365 * 86_400, "year"],
    [30 * 86_400, "month"],
    [86_400, "day"],
    [3_600, "hour"],
    [60, "minute"],
    [1, "second"],
  ];
  const [size, name] = units.find(([s]) => seconds >= s) ?? [1, "second"];
  const count = Math.round(seconds / size);
  const amount = `${count} ${name}${count === 1 ? "" : "s"}`;
  return deltaMs >= 0 ? `in ${amount}` : `${amount} ago`;
}
