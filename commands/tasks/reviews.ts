import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { renderReviewQueue } from "../../src/discord/render/review-queue.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";

/** `/tasks reviews`: what awaits the actor's decision, oldest first. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const items = await ctx.services.tasks.reviewQueue(ctx.action);
  await answerEphemeral(interaction, { embeds: [renderReviewQueue(items)] });
}
