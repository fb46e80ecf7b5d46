import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { showFirstPage } from "./first-page.ts";

/** `/tasks queue`: this channel's open tasks in the order they are handed out. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  await showFirstPage(interaction, ctx, { kind: "queue", channelId: ctx.action.channelId });
}
