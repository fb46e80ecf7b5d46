import type { ChatInputCommandInteraction } from "discord.js";
import { cardDepsOf } from "../../src/discord/cards/card-deps.ts";
import { replyWithNew } from "../../src/discord/cards/reply-with-new.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { answerEphemeral, deferWhenSlow } from "../../src/discord/respond.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import type { TaskView } from "../../src/domain/task-view.ts";
import { readTaskFields } from "../read-task-fields.ts";

/**
 * `/task create`: the reply is the task's public card. A slow create (a busy channel lock, a database
 * failing over) is deferred ephemerally instead; the actor is then told it was created (or why not)
 * and the outbox posts the card. The interaction id makes a retried create find the same task.
 */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const { title, ...fields } = readTaskFields(interaction.options);
  if (title === undefined) throw new ValidationError("title", "title is required.");
  const slow = deferWhenSlow(interaction);
  let task: TaskView;
  try {
    task = await ctx.services.tasks.create(ctx.action, { title, ...fields });
  } finally {
    await slow.settle();
  }
  if (slow.deferred) {
    await answerEphemeral(interaction, `Created **#${task.number}**; its card is on its way to the channel.`);
    return;
  }
  await replyWithNew(interaction, task, cardDepsOf(ctx));
}
