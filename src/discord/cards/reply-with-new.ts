import type { RepliableInteraction } from "discord.js";
import type { TaskView } from "../../domain/task-view.ts";
import { answerEphemeral, messageBody } from "../respond.ts";
import { type CardDeps, renderCardFor } from "./card-deps.ts";

/**
 * A new task's card is the interaction's own public reply. If a card is already being posted (the
 * dispatcher won the race), the actor gets an ephemeral confirmation instead of a second card.
 */
export async function replyWithNew(
  interaction: RepliableInteraction,
  view: TaskView,
  deps: CardDeps,
): Promise<void> {
  const { cards } = deps;
  if (!(await cards.claimPosting(view.id, view.channelId))) {
    await answerEphemeral(interaction, `Created **#${view.number}**; its card is on its way to the channel.`);
    return;
  }
  try {
    const rendered = await renderCardFor(deps, view);
    const response = await interaction.reply({ ...messageBody(rendered), withResponse: true });
    const messageId = response.resource?.message?.id ?? (await interaction.fetchReply()).id;
    await cards.recordMessage({
      taskId: view.id,
      channelId: view.channelId,
      messageId,
      renderedVersion: view.version,
    });
  } catch (error) {
    await cards.releaseClaim(view.id);
    throw error;
  }
}
