import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";

/** `/task answer`: answers the assignee's waiting question; they are told, their lease resumes. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const number = interaction.options.getInteger("task", true);
  const task = await ctx.services.tasks.answer(
    ctx.action,
    number,
    interaction.options.getString("text", true),
  );
  await answerEphemeral(interaction, `Answer sent to the assignee of **#${task.number}**.`);
}
