import type { ChatInputCommandInteraction } from "discord.js";
import { cardDepsOf } from "../../src/discord/cards/card-deps.ts";
import { replyWithNew } from "../../src/discord/cards/reply-with-new.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import { readTaskFields } from "../read-task-fields.ts";

/** `/task create`: the reply is the task's public card. */
export async function createTask(
  interaction: ChatInputCommandInteraction,
  ctx: HandlerContext,
): Promise<void> {
  const { title, ...fields } = readTaskFields(interaction.options);
  if (title === undefined) throw new ValidationError("title", "title is required.");
  const task = await ctx.services.tasks.create(ctx.action, { title, ...fields });
  await replyWithNew(interaction, task, cardDepsOf(ctx));
}
