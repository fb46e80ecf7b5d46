import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { renderAgents } from "../../src/discord/render/agents.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";

/** `/tasklane agent list`. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const agents = await ctx.services.agents.list(ctx.action);
  await answerEphemeral(interaction, { embeds: [renderAgents(agents)] });
}
