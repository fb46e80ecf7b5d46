import type { APIEmbed } from "discord.js";
import type { ConfigView } from "../../services/views.ts";
import { channelMention, minutesText, roleMention } from "./format.ts";
import { fitEmbed } from "./limits.ts";

export function renderSettings(settings: ConfigView, heading: string): APIEmbed {
  const yesNo = (value: boolean) => (value ? "yes" : "no");
  return fitEmbed({
    title: heading,
    description: `Settings of ${channelMention(settings.channelId)}`,
    fields: [
      {
        name: "queue-limit",
        value: settings.queueLimit === null ? "no limit" : String(settings.queueLimit),
        inline: true,
      },
      {
        name: "reviewer-role",
        value: settings.reviewerRoleId
          ? roleMention(settings.reviewerRoleId)
          : "none (Manage Channels / Manage Server)",
        inline: true,
      },
      { name: "require-review", value: yesNo(settings.requireReview), inline: true },
      { name: "allow-self-review", value: yesNo(settings.allowSelfReview), inline: true },
      { name: "max-attempts", value: String(settings.maxAttempts), inline: true },
      { name: "lease-minutes", value: String(settings.leaseMinutes), inline: true },
      { name: "auto-assign", value: settings.autoAssign.replaceAll("_", "-"), inline: true },
      { name: "notify-reviewers", value: settings.notifyReviewers, inline: true },
      { name: "notify-creator", value: settings.notifyCreator, inline: true },
      {
        name: "remind-before",
        value: settings.remindBeforeMinutes.length
          ? settings.remindBeforeMinutes.map(minutesText).join(", ")
          : "off",
        inline: true,
      },
      { name: "remind-overdue", value: settings.remindOverdue ? "on" : "off", inline: true },
      { name: "timezone (server)", value: settings.timezone, inline: true },
      { name: "threads", value: yesNo(settings.threads), inline: true },
    ],
  });
}
