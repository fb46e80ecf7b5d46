import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { agentLine } from "../../src/discord/render/agents.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";

/** `/tasklane agent add user [labels] [max-concurrent]`. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const user = interaction.options.getUser("user", true);
  const agent = await ctx.services.agents.add(ctx.action, {
    userId: user.id,
    labels: interaction.options.getString("labels") ?? undefined,
    maxConcurrent: interaction.options.getInteger("max-concurrent") ?? undefined,
  });
  const note = user.bot ? "" : "\nNote: this account is not a bot; agents usually are.";
  await answerEphemeral(interaction, `Agent registered: ${agentLine(agent)}${note}`);
}
