import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { showFirstPage } from "./first-page.ts";

/** `/tasks mine`: my live tasks across the server. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  await showFirstPage(interaction, ctx, {
    kind: "tasks",
    title: "Your live tasks in this server",
    filters: { status: "live", assigneeId: ctx.action.actor.userId },
    empty: "You have no live tasks. `/task claim` takes the next one in a channel's queue.",
  });
}
