import { type Client, DiscordAPIError, type REST } from "discord.js";
import type { TaskView } from "../../domain/task-view.ts";
import type { Logger } from "../../log.ts";
import type { CardService, SettingsService } from "../../services/contracts.ts";
import { redactRefs } from "../../services/visibility.ts";
import { publicAudience } from "../actor.ts";
import type { HandlerContext } from "../handler-types.ts";
import { type RenderedCard, renderTaskCard } from "../render/task-card.ts";
import { messageBody } from "../respond.ts";

/**
 * The card module: a task's live card is shown by a click in place (show-on-click.ts), posted as a
 * new task's reply (reply-with-new.ts) or edited by the outbox after any other change (refresh.ts).
 * All three record which version the card shows through the cards service, so none overwrites a newer one.
 */
export interface CardDeps {
  client: Client;
  /** Added: send through this REST instead of the client's (the outbox passes its no-retry REST). */
  rest?: REST;
  cards: CardService;
  settings: SettingsService;
  log: Logger;
}

export function cardDepsOf(ctx: HandlerContext): CardDeps {
  return { client: ctx.client, cards: ctx.services.cards, settings: ctx.services.settings, log: ctx.log };
}

/**
 * The card as the channel's settings want it (Submit for review vs Mark done), names from the client's
 * cache. A card is public unless `forReader` (an ephemeral answer to a reader the service already
 * redacted for): related tasks the channel's readers may not see show as "#N (private)".
 */
export async function renderCardFor(
  deps: CardDeps,
  task: TaskView,
  options: { withButtons?: boolean; forReader?: boolean } = {},
): Promise<RenderedCard> {
  const { forReader, ...cardOptions } = options;
  const view = forReader
    ? task
    : redactRefs(task, publicAudience(deps.client.guilds.cache.get(task.guildId), task.channelId));
  const settings = await deps.settings.get(view.guildId, view.channelId);
  return renderTaskCard(view, {
    requireReview: settings.requireReview,
    nameOf: nameResolver(deps.client, view.guildId),
    ...cardOptions,
  });
}

export function nameResolver(client: Client, guildId: string): (userId: string) => string {
  return (userId) =>
    client.guilds.cache.get(guildId)?.members.cache.get(userId)?.displayName ??
    client.users.cache.get(userId)?.displayName ??
    `user ${userId}`;
}

export function toRestBody(card: RenderedCard) {
  const { allowedMentions, ...rest } = messageBody(card);
  return { ...rest, allowed_mentions: allowedMentions };
}

export function isDiscordError(error: unknown, code: number): boolean {
  return error instanceof DiscordAPIError && error.code === code;
}
