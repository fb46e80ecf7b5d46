import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { renderListPage } from "../../src/discord/lists.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";

/** `/task history`: every change, newest first, paged. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const number = interaction.options.getInteger("task", true);
  const body = await renderListPage(ctx, {
    query: { kind: "history", number },
    guildId: ctx.action.guildId,
    userId: ctx.action.actor.userId,
    cursor: null,
    pageNumber: 1,
    previousToken: null,
  });
  await answerEphemeral(interaction, body);
}
