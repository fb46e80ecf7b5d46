import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { userMention } from "../../src/discord/render/format.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";

/** `/tasklane agent remove user`. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const user = interaction.options.getUser("user", true);
  await ctx.services.agents.remove(ctx.action, user.id);
  await answerEphemeral(interaction, `${userMention(user.id)} is no longer an agent here.`);
}
