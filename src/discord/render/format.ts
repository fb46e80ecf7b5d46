import type { HiddenRef } from "../../domain/task-view.ts";
import type { TaskRef } from "../../services/types.ts";
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
  return `#${shown.number} ${shown.title} (${STATUS_LABELS[shown.status]})`;
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
