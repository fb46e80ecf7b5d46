import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import { showFirstPage } from "./first-page.ts";

export const MAX_QUERY_LENGTH = 200;

/** `/tasks search query`: full text over the server's tasks. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const query = interaction.options.getString("query", true).trim();
  if (!query) throw new ValidationError("query", "query can't be empty.");
  if (query.length > MAX_QUERY_LENGTH)
    throw new ValidationError("query", `query must be at most ${MAX_QUERY_LENGTH} characters.`);
  await showFirstPage(interaction, ctx, { kind: "search", query });
}
