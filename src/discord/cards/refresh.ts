import {
  type APIMessage,
  type Client,
  DiscordAPIError,
  type REST,
  RESTJSONErrorCodes,
  type RepliableInteraction,
  Routes,
} from "discord.js";
import type { Logger } from "../../log.ts";
import { PENDING_MESSAGE_ID } from "../../services/cards/index.ts";
import type { CardService } from "../../services/services.ts";
import type { SettingsService, TaskView } from "../../services/types.ts";
import { type RenderedCard, renderTaskCard } from "../render/task-card.ts";
import { answerEphemeral, messageBody } from "../respond.ts";

export interface CardDeps {
  client: Client;
  /** Added: send through this REST instead of the client's (the outbox passes its no-retry REST). */
  rest?: REST;
  cards: CardService;
  settings: SettingsService;
  log: Logger;
}

/**
 * edited/posted: the card now shows the view. current: it already showed this version or a newer one.
 * pending: another poster holds the claim, or a newer edit raced ours; retry later with a fresh view.
 * gone: the channel no longer exists.
 */
export type RefreshOutcome = "edited" | "posted" | "current" | "pending" | "gone";

/** How long a new task's card is left to the creating interaction (it must answer within 3 s). */
export const NEW_CARD_REPLY_GRACE_MS = 10_000;

/** The card as the channel's settings want it (Submit for review vs Mark done), names from the client's cache. */
export async function renderCardFor(
  deps: CardDeps,
  view: TaskView,
  options: { withButtons?: boolean } = {},
): Promise<RenderedCard> {
  const settings = await deps.settings.get(view.guildId, view.channelId);
  return renderTaskCard(view, {
    requireReview: settings.requireReview,
    nameOf: nameResolver(deps.client, view.guildId),
    ...options,
  });
}

export function nameResolver(client: Client, guildId: string): (userId: string) => string {
  return (userId) =>
    client.guilds.cache.get(guildId)?.members.cache.get(userId)?.displayName ??
    client.users.cache.get(userId)?.displayName ??
    `user ${userId}`;
}

/**
 * Makes the task's live card show `view`: edits the recorded message, or posts one when there is none
 * (or it was deleted). The one path every card change goes through outside a click's own update; the
 * outbox dispatcher calls it too. Idempotent: an older view never overwrites a newer card.
 */
export async function refreshCard(deps: CardDeps, view: TaskView, now = Date.now()): Promise<RefreshOutcome> {
  const { cards } = deps;
  const card = await cards.find(view.id);
  // A task created moments ago gets its card as the creating interaction's reply (replyWithNewCard);
  // its outbox row must not race that reply into a second card. Past the grace, the reply failed.
  if (!card && now - Date.parse(view.createdAt) < NEW_CARD_REPLY_GRACE_MS) return "pending";
  if (!card) return postCard(deps, view);
  if (card.messageId === PENDING_MESSAGE_ID) return "pending";
  if (card.renderedVersion >= view.version) return "current";
  const claimed = await cards.claimVersion(view.id, view.version);
  if (!claimed) return "current";
  try {
    const body = toRestBody(await renderCardFor(deps, view));
    await (deps.rest ?? deps.client.rest).patch(Routes.channelMessage(claimed.channelId, claimed.messageId), {
      body,
    });
    // A newer version was rendered while ours was in flight: ours may have landed last. Retry with a fresh view.
    if (await cards.supersededWhileSending(view.id, view.version)) return "pending";
    return "edited";
  } catch (error) {
    if (isDiscordError(error, RESTJSONErrorCodes.UnknownMessage)) {
      await cards.forget(view.id, claimed.messageId);
      return postCard(deps, view);
    }
    await cards.restoreVersion(view.id, view.version, card.renderedVersion);
    if (isDiscordError(error, RESTJSONErrorCodes.UnknownChannel)) return "gone";
    throw error;
  }
}

async function postCard(deps: CardDeps, view: TaskView): Promise<RefreshOutcome> {
  const { cards } = deps;
  if (!(await cards.claimPosting(view.id, view.channelId))) return "pending";
  try {
    const body = {
      ...toRestBody(await renderCardFor(deps, view)),
      // A retried post after a timeout must not make a second card.
      nonce: `c${view.id}v${view.version}`.slice(0, 25),
      enforce_nonce: true,
    };
    const message = (await (deps.rest ?? deps.client.rest).post(Routes.channelMessages(view.channelId), {
      body,
    })) as APIMessage;
    await cards.recordMessage({
      taskId: view.id,
      channelId: view.channelId,
      messageId: message.id,
      renderedVersion: view.version,
    });
    return "posted";
  } catch (error) {
    await cards.releaseClaim(view.id);
    if (isDiscordError(error, RESTJSONErrorCodes.UnknownChannel)) return "gone";
    throw error;
  }
}

/**
 * A new task's card is the interaction's own public reply. If a card is already being posted (the
 * dispatcher won the race), the actor gets an ephemeral confirmation instead of a second card.
 */
export async function replyWithNewCard(
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

function toRestBody(card: RenderedCard) {
  const { allowedMentions, ...rest } = messageBody(card);
  return { ...rest, allowed_mentions: allowedMentions };
}

export function isDiscordError(error: unknown, code: number): boolean {
  return error instanceof DiscordAPIError && error.code === code;
}
