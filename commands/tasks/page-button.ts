import type { ButtonInteraction } from "discord.js";
import type { CustomId } from "../../src/discord/custom-id.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { renderListPage } from "../../src/discord/lists.ts";
import { deferIfSlow, updateClicked } from "../../src/discord/respond.ts";
import { ForbiddenError, UserError } from "../../src/domain/errors.ts";

/** Previous / Next: the stored page, re-run now, replacing the list in place. */
export async function run(
  interaction: ButtonInteraction,
  id: Extract<CustomId, { kind: "page" }>,
  ctx: HandlerContext,
): Promise<void> {
  const page = await ctx.pages.load(id.token);
  if (!page) throw new UserError("This list has expired; run the command again.");
  if (page.guildId !== ctx.action.guildId || page.userId !== ctx.action.actor.userId)
    throw new ForbiddenError("This list belongs to someone else; run the command yourself.");
  deferIfSlow(interaction, "update");
  await updateClicked(interaction, await renderListPage(ctx, page, id.token));
}
