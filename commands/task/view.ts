import type { ChatInputCommandInteraction } from "discord.js";
import { cardDepsOf, renderCardFor } from "../../src/discord/cards/card-deps.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { messageUrl } from "../../src/discord/render/format.ts";
import { attemptsSummary } from "../../src/discord/render/task-attempts.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";

/** `/task view`: the card, for the actor only, with a link to the live one. */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const { task, attempts, liveCard } = await ctx.services.tasks.details(
    ctx.action,
    interaction.options.getInteger("task", true),
  );
  const card = await renderCardFor(cardDepsOf(ctx), task, { forReader: true });
  if (attempts.length > 0) {
    const [embed, ...rest] = card.embeds;
    const fields = [...(embed?.fields ?? []), { name: "Attempts", value: attemptsSummary(attempts) }];
    card.embeds = [{ ...embed, fields }, ...rest];
  }
  const content = liveCard
    ? `Live card: ${messageUrl(task.guildId, liveCard.channelId, liveCard.messageId)}`
    : undefined;
  await answerEphemeral(interaction, { content, ...card });
}
