import type { APIEmbed } from "discord.js";
import type { ReviewQueueItem } from "../../services/views.ts";
import { channelMention, discordTime, titleText, userMention } from "./format.ts";
import { fitEmbed, truncate } from "./limits.ts";

/** One line per task: "#12 · Fix login — submitted by @agent 2 hours ago in #backend". */
export function renderReviewQueue(items: ReviewQueueItem[]): APIEmbed {
  if (items.length === 0)
    return { title: "Awaiting your review", description: "Nothing awaits your review." };
  const lines = items.map(({ task, submittedBy, submittedAt }) => {
    const by = submittedBy ? ` by ${userMention(submittedBy)}` : "";
    const when = submittedAt ? ` ${discordTime(submittedAt, "R")}` : "";
    return `**#${task.number}** · ${titleText(truncate(task.title, 80))} — submitted${by}${when} in ${channelMention(task.channelId)}`;
  });
  return fitEmbed({ title: `Awaiting your review (${items.length})`, description: lines.join("\n") });
}
