import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";

/** `/task comment`: a line in the task's history. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const number = interaction.options.getInteger("task", true);
  const task = await ctx.services.tasks.comment(
    ctx.action,
    number,
    interaction.options.getString("text", true),
  );
  await answerEphemeral(interaction, `Comment added to **#${task.number}**.`);
}
