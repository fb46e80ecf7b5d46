import type { ChatInputCommandInteraction } from "discord.js";
import { canManageChannels } from "../../src/discord/actor.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { ForbiddenError } from "../../src/domain/errors.ts";

type Run = (interaction: ChatInputCommandInteraction, ctx: HandlerContext) => Promise<void>;

/** Command visibility can be changed by server admins, so every /tasklane call checks the permission itself. */
export function requireManageChannels(run: Run): Run {
  return async (interaction, ctx) => {
    if (!canManageChannels(ctx.action.actor))
      throw new ForbiddenError("/tasklane needs the Manage Channels permission.");
    await run(interaction, ctx);
  };
}
