import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { titleText } from "../../src/discord/render/format.ts";
import { STATUS_LABELS } from "../../src/discord/render/status-style.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";
import { confirmation } from "./confirmations.ts";

/** `/task claim [task]`: that task, or the next one in this channel's queue (claimed and started). */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const number = interaction.options.getInteger("task");
  if (number !== null) {
    const result = await ctx.services.tasks.transition(ctx.action, { number, action: "claim" });
    await answerEphemeral(interaction, confirmation("claim", result.task));
    return;
  }
  const task = await ctx.services.tasks.next(ctx.action);
  if (!task) {
    await answerEphemeral(interaction, "This channel's queue has no task you can claim right now.");
    return;
  }
  // Taking the next task from the queue claims and starts it, as an agent's `next` does.
  await answerEphemeral(
    interaction,
    `You took **#${task.number}** · ${titleText(task.title)} from the queue; it is now ${STATUS_LABELS[task.status]}.`,
  );
}
