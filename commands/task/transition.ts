import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";
import type { TransitionAction } from "../../src/domain/transitions.ts";
import { confirmation } from "./confirmations.ts";

/** `/task start|submit|approve|rework|block|unblock|cancel|reopen|assign`: one transition each. */
export function runTransition(action: TransitionAction, textOption?: "note" | "comment" | "reason") {
  return async (interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> => {
    const number = interaction.options.getInteger("task", true);
    const text = textOption ? (interaction.options.getString(textOption) ?? undefined) : undefined;
    const assigneeId = action === "assign" ? interaction.options.getUser("assignee", true).id : undefined;
    // "Skip this one" on a recurring task: this occurrence is cancelled, the series goes on.
    const chosen = action === "cancel" && interaction.options.getBoolean("skip-this-one") ? "skip" : action;
    const input = { number, action: chosen, text, assigneeId };
    const result = await ctx.services.tasks.transition(ctx.action, input);
    await answerEphemeral(interaction, confirmation(chosen, result.task));
  };
}
