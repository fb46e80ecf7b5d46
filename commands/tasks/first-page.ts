import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import type { ListQuery } from "../../src/discord/list-pages.ts";
import { renderListPage } from "../../src/discord/lists.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";

/** Every list starts here: page 1, for the actor only. */
export async function showFirstPage(
  interaction: ChatInputCommandInteraction,
  ctx: HandlerContext,
  query: ListQuery,
): Promise<void> {
  const body = await renderListPage(ctx, {
    query,
    guildId: ctx.action.guildId,
    userId: ctx.action.actor.userId,
    cursor: null,
    pageNumber: 1,
    previousToken: null,
  });
  await answerEphemeral(interaction, body);
}
