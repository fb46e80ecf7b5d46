import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { STATUS_LABELS } from "../../src/discord/render/status-style.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";

/** `/task undepend task on`. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const number = interaction.options.getInteger("task", true);
  const on = interaction.options.getInteger("on", true);
  const task = await ctx.services.tasks.removeDependency(ctx.action, number, on);
  await answerEphemeral(
    interaction,
    `**#${number}** no longer waits for **#${on}**; it is ${STATUS_LABELS[task.status]}.`,
  );
}
