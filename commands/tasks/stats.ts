import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { channelMention } from "../../src/discord/render/format.ts";
import { renderStats } from "../../src/discord/render/stats.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";

/** `/tasks stats [scope]`. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const wholeServer = interaction.options.getString("scope") === "server";
  const { channelId } = ctx.action;
  const stats = await ctx.services.tasks.stats(ctx.action, wholeServer ? undefined : channelId);
  await answerEphemeral(interaction, {
    embeds: [renderStats(stats, wholeServer ? "this server" : channelMention(channelId))],
  });
}
