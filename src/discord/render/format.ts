import type { HiddenRef, TaskRef } from "../../domain/task-view.ts";
import { STATUS_LABELS } from "./status-style.ts";

/** Renders as a mention in Discord; every message sets allowedMentions, so it never pings by itself. */
export const userMention = (userId: string) => `<@${userId}>`;
export const roleMention = (roleId: string) => `<@&${roleId}>`;
export const channelMention = (channelId: string) => `<#${channelId}>`;

/** Discord timestamp markup: shown in each reader's own time zone. */
export function discordTime(iso: string, style: "f" | "R" | "d" | "t" = "f"): string {
  return `<t:${Math.floor(Date.parse(iso) / 1000)}:${style}>`;
}

/** A related task the reader cannot see shows its number only. */
export function taskRefLine(ref: TaskRef | HiddenRef): string {
  if ("hidden" in ref && ref.hidden) return `#${ref.number} (private)`;
  const shown = ref as TaskRef;
  return `#${shown.number} ${titleText(shown.title)} (${STATUS_LABELS[shown.status]})`;
}

/** Invisible characters that reorder or hide text (C0/C1 controls but tab and newline, bidi overrides). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Characters Discord reads as inline markdown or mention syntax (`<@id>`, `<#id>`, `<@&id>`, `<t:…>`). */
const INLINE_MARKDOWN = /[\\*_~|`[\]<]/g;
/** At a line's start: headings, -# subtext, quotes and bullet lists. */
const LINE_MARKDOWN = /^([ \t]*)([#>+-])/gm;
const NUMBERED_LIST = /^([ \t]*\d+)([.)])/gm;
const MASS_PINGS = /@(everyone|here)/gi;

/**
 * User text as Discord shows plain text: no masked links, headings, fake lists or quotes, code fences,
 * mention or timestamp markup, nor @everyone lookalikes. Only for text Discord renders as markdown
 * (content, embed titles, descriptions, field values); footers and choice names are plain already.
 */
export function escapeText(text: string): string {
  return text
    .replace(HIDDEN, "")
    .replace(INLINE_MARKDOWN, "\\$&")
    .replace(LINE_MARKDOWN, "$1\\$2")
    .replace(NUMBERED_LIST, "$1\\$2")
    .replace(MASS_PINGS, "@\u200b$1");
}

const QUOTED = /"([^"\n]*)"/g;
const MASKED_LINK = /(?<!\\)\[([^\]\n]*?)(?<!\\)\]\(/g;

/**
 * A refusal's sentence: the bot's words keep their markup (**#12**, <@id>), the user's values, which
 * refusals always quote ("bug!"), are escaped; fences, masked links and mass pings never survive.
 */
export function refusalText(message: string): string {
  return message
    .replace(QUOTED, (_, inner: string) => `"${escapeText(inner)}"`)
    .replace(MASKED_LINK, "\\[$1\\](")
    .replaceAll("```", "ˋˋˋ")
    .replace(MASS_PINGS, "@\u200b$1");
}

/** Several lines of user text on one line, whitespace collapsed. */
export function oneLine(text: string): string {
  return text.replace(HIDDEN, "").replace(/\s+/g, " ").trim();
}

/** A task title inside a line the bot writes. */
export function titleText(title: string): string {
  return escapeText(oneLine(title));
}

export function minutesText(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return minutes > 60 ? `${Math.floor(minutes / 60)}h ${minutes % 60}m` : `${minutes}m`;
}

/** Backticks in user text would break inline code spans. */
export function inlineCode(text: string): string {
  return `\`${text.replaceAll("`", "ˋ")}\``;
}

export function messageUrl(guildId: string, channelId: string, messageId: string): string {
  return `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;
}
