import type { ChatInputCommandInteraction } from "discord.js";
import { cardDepsOf } from "../../src/discord/cards/card-deps.ts";
import { replyWithNew } from "../../src/discord/cards/reply-with-new.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { placeIn } from "../../src/discord/mentions/thread-place.ts";
import { answerEphemeral, deferWhenSlow } from "../../src/discord/respond.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import type { TaskView } from "../../src/domain/task-view.ts";
import { readTaskFields } from "../read-task-fields.ts";

/**
 * `/task create`: the reply is the task's public card. A slow create (a busy channel lock, a database
 * failing over) is deferred ephemerally instead; the actor is then told it was created (or why not)
 * and the outbox posts the card. The interaction id makes a retried create find the same task.
 * Typed in a task's thread, the new task goes to the task's channel (threads are not lanes): the
 * actor is told so, and the outbox posts its card there.
 */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const { title, ...fields } = readTaskFields(interaction.options);
  if (title === undefined) throw new ValidationError("title", "title is required.");
  const slow = deferWhenSlow(interaction);
  let task: TaskView;
  let inThread = false;
  try {
    const place = await placeIn(
      ctx.services.cards,
      ctx.action.guildId,
      ctx.action.channelId,
      interaction.channel,
      ctx.action.actor,
    );
    inThread = place.threadTask !== undefined;
    const action = inThread ? { ...ctx.action, channelId: place.channelId, actor: place.actor } : ctx.action;
    task = await ctx.services.tasks.create(action, { title, ...fields });
  } finally {
    await slow.settle();
  }
  if (inThread) {
    await answerEphemeral(
      interaction,
      `Created **#${task.number}** in <#${task.channelId}>; its card is on its way there.`,
    );
    return;
  }
  if (slow.deferred) {
    await answerEphemeral(interaction, `Created **#${task.number}**; its card is on its way to the channel.`);
    return;
  }
  await replyWithNew(interaction, task, cardDepsOf(ctx));
}
