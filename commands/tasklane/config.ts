import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { renderSettings } from "../../src/discord/render/settings.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";
import type { AutoAssignMode, NotifyMode } from "../../src/domain/task-states.ts";
import type { ChannelSettingsPatch } from "../../src/services/contracts.ts";

/** `/tasklane config`: shows this channel's settings, or changes the ones given. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const patch = readPatch(interaction.options);
  const { settings } = ctx.services;
  const changed = Object.keys(patch).length > 0;
  const current = changed ? await settings.update(ctx.action, patch) : await settings.show(ctx.action);
  await answerEphemeral(interaction, {
    embeds: [renderSettings(current, changed ? "Settings updated" : "Channel settings")],
  });
}

function readPatch(options: ChatInputCommandInteraction["options"]): ChannelSettingsPatch {
  const patch: ChannelSettingsPatch = {};
  const queueLimit = options.getInteger("queue-limit");
  const reviewerRole = options.getRole("reviewer-role");
  const requireReview = options.getBoolean("require-review");
  const allowSelfReview = options.getBoolean("allow-self-review");
  const maxAttempts = options.getInteger("max-attempts");
  const leaseMinutes = options.getInteger("lease-minutes");
  const autoAssign = options.getString("auto-assign");
  if (queueLimit !== null) patch.queueLimit = queueLimit === 0 ? null : queueLimit;
  if (reviewerRole) patch.reviewerRoleId = reviewerRole.id;
  if (requireReview !== null) patch.requireReview = requireReview;
  if (allowSelfReview !== null) patch.allowSelfReview = allowSelfReview;
  if (maxAttempts !== null) patch.maxAttempts = maxAttempts;
  if (leaseMinutes !== null) patch.leaseMinutes = leaseMinutes;
  if (autoAssign !== null) patch.autoAssign = autoAssign as AutoAssignMode;
  const notifyReviewers = options.getString("notify-reviewers");
  const notifyCreator = options.getString("notify-creator");
  if (notifyReviewers !== null) patch.notifyReviewers = notifyReviewers as NotifyMode;
  if (notifyCreator !== null) patch.notifyCreator = notifyCreator as NotifyMode;
  const remindBefore = options.getString("remind-before");
  const remindOverdue = options.getString("remind-overdue");
  const timezone = options.getString("timezone");
  if (remindBefore !== null) patch.remindBefore = remindBefore;
  if (remindOverdue !== null) patch.remindOverdue = remindOverdue === "on";
  if (timezone !== null) patch.timezone = timezone;
  const threads = options.getBoolean("threads");
  if (threads !== null) patch.threads = threads;
  return patch;
}
