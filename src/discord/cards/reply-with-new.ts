import type { RepliableInteraction } from "discord.js";
import type { TaskView } from "../../domain/task-view.ts";
import { answerEphemeral, replyPublicly } from "../respond.ts";
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
  let repliedId: string | undefined;
  try {
    repliedId = await replyPublicly(interaction, await renderCardFor(deps, view));
  } catch (error) {
    // No card was posted: the next poster (the outbox) may post it.
    await cards.releaseClaim(view.id);
    throw error;
  }
  try {
    const messageId = repliedId ?? (await interaction.fetchReply()).id;
    await cards.recordMessage({
      taskId: view.id,
      channelId: view.channelId,
      messageId,
      renderedVersion: view.version,
    });
  } catch (error) {
    // The card is in the channel but not on record (the database went away): the placeholder stays,
    // and whoever takes it over once stale finds this message instead of posting a second card.
    deps.log.warn({ err: error, taskId: view.id }, "new card posted but not recorded; the outbox adopts it");
  }
}
