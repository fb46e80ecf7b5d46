import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { userMention } from "../../src/discord/render/format.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";

/** `/tasklane agent pause user` and `resume user`: the operator's halt switch. */
export function runPause(paused: boolean) {
  return async (interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> => {
    const user = interaction.options.getUser("user", true);
    await ctx.services.agents.setPaused(ctx.action, user.id, paused);
    await answerEphemeral(
      interaction,
      paused
        ? `${userMention(user.id)} is paused: its messages are held and its commands refused until \`/tasklane agent resume\`.`
        : `${userMention(user.id)} is resumed; its held messages go out at their next try (within 15 seconds).`,
    );
  };
}
