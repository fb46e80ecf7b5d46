import type { ChatInputCommandInteraction } from "discord.js";
import { cardDepsOf, renderCardFor } from "../../src/discord/cards/card-deps.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { messageUrl } from "../../src/discord/render/format.ts";
import { attemptsSummary } from "../../src/discord/render/task-attempts.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";
import { PENDING_MESSAGE_ID } from "../../src/services/cards/index.ts";

/** `/task view`: the card, for the actor only, with a link to the live one. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const task = await ctx.services.tasks.get(ctx.action, interaction.options.getInteger("task", true));
  const [card, live, attempts] = await Promise.all([
    renderCardFor(cardDepsOf(ctx), task, { forReader: true }),
    ctx.services.cards.find(task.id),
    ctx.services.tasks.attempts(ctx.action, task.number),
  ]);
  if (attempts.length > 0) {
    const [embed, ...rest] = card.embeds;
    const fields = [...(embed?.fields ?? []), { name: "Attempts", value: attemptsSummary(attempts) }];
    card.embeds = [{ ...embed, fields }, ...rest];
  }
  const content =
    live && live.messageId !== PENDING_MESSAGE_ID
      ? `Live card: ${messageUrl(task.guildId, live.channelId, live.messageId)}`
      : undefined;
  await answerEphemeral(interaction, { content, ...card });
}
