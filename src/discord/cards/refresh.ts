import { type APIMessage, RESTJSONErrorCodes, Routes, SnowflakeUtil } from "discord.js";
import type { TaskView } from "../../domain/task-view.ts";
import {
  NEW_CARD_REPLY_GRACE_MS,
  PENDING_MESSAGE_ID,
  REPLIED_WITH_CARD,
} from "../../services/cards/index.ts";
import { parseCustomId } from "../custom-id.ts";
import { type CardDeps, isDiscordError, renderCardFor, toRestBody } from "./card-deps.ts";

/**
 * edited/posted: the card now shows the view. current: it already showed this version or a newer one.
 * pending: another poster holds the claim; retry later. superseded: a newer version was recorded while
 * our edit was in flight, so ours may have landed last: refresh again at once with a fresh view.
 * gone: the channel no longer exists. With the card's message where there is one (no second lookup).
 */
export type Refreshed =
  | { outcome: "edited" | "posted" | "current"; messageId: string }
  | { outcome: "pending" | "superseded" | "gone"; messageId: null };

const settled = (outcome: "edited" | "posted" | "current", messageId: string): Refreshed => ({
  outcome,
  messageId,
});
const unsettled = (outcome: "pending" | "superseded" | "gone"): Refreshed => ({ outcome, messageId: null });

/**
 * Makes the task's live card show `view`: edits the recorded message, or posts one when there is none
 * (or it was deleted). The one path every card change goes through outside a click's own update; the
 * outbox dispatcher calls it too. Idempotent: an older view never overwrites a newer card.
 */
export async function refresh(deps: CardDeps, view: TaskView, now = Date.now()): Promise<Refreshed> {
  const { cards } = deps;
  const card = await cards.find(view.id);
  // A task a slash command or a modal created moments ago gets its card as that interaction's reply;
  // its outbox row must not race that reply into a second card. Past the grace, the reply failed.
  if (!card && now - Date.parse(view.createdAt) < NEW_CARD_REPLY_GRACE_MS && !createdWithoutReplyCard(view))
    return unsettled("pending");
  if (!card) return postCard(deps, view);
  // A placeholder: someone is posting it, or died doing so; postCard takes it over once it is stale.
  if (card.messageId === PENDING_MESSAGE_ID) return postCard(deps, view, { afterPlaceholder: true });
  if (card.renderedVersion >= view.version) return settled("current", card.messageId);
  const claimed = await cards.claimVersion(view.id, view.version);
  if (!claimed) return settled("current", card.messageId);
  try {
    const body = toRestBody(await renderCardFor(deps, view));
    await (deps.rest ?? deps.client.rest).patch(Routes.channelMessage(claimed.channelId, claimed.messageId), {
      body,
    });
    if (await cards.supersededWhileSending(view.id, view.version)) return unsettled("superseded");
    return settled("edited", claimed.messageId);
  } catch (error) {
    if (isDiscordError(error, RESTJSONErrorCodes.UnknownMessage)) {
      await cards.forget(view.id, claimed.messageId);
      return postCard(deps, view);
    }
    await cards.restoreVersion(view.id, view.version, card.renderedVersion);
    if (isDiscordError(error, RESTJSONErrorCodes.UnknownChannel)) return unsettled("gone");
    throw error;
  }
}

/** A mention's create, an import, a recurrence: no interaction is posting its card. */
function createdWithoutReplyCard(view: TaskView): boolean {
  const source = view.lastEvent?.kind === "created" ? view.lastEvent.source : undefined;
  return source !== undefined && !REPLIED_WITH_CARD.has(source);
}

async function postCard(
  deps: CardDeps,
  view: TaskView,
  { afterPlaceholder = false } = {},
): Promise<Refreshed> {
  const { cards } = deps;
  if (!(await cards.claimPosting(view.id, view.channelId))) return unsettled("pending");
  // The poster before us may have posted the card and died (or lost the database) before recording it.
  const posted = afterPlaceholder ? await findPostedCard(deps, view) : null;
  if (posted) {
    await cards.recordMessage({
      taskId: view.id,
      channelId: view.channelId,
      messageId: posted,
      renderedVersion: 0,
    });
    return refresh(deps, view);
  }
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
    return settled("posted", message.id);
  } catch (error) {
    await cards.releaseClaim(view.id);
    if (isDiscordError(error, RESTJSONErrorCodes.UnknownChannel)) return unsettled("gone");
    throw error;
  }
}

/** How far before the task's creation its card is looked for (clocks differ), and how many pages. */
const LOOK_BACK_MS = 60_000;
const PAGES = 3;

/**
 * The card a poster posted without recording it: a message of the bot's in the task's channel, sent
 * after the task was created, whose buttons name this task. Null when there is none (or the channel
 * cannot be read): then posting is right.
 */
async function findPostedCard(deps: CardDeps, view: TaskView): Promise<string | null> {
  const rest = deps.rest ?? deps.client.rest;
  const botId = deps.client.user?.id;
  let after = SnowflakeUtil.generate({ timestamp: Date.parse(view.createdAt) - LOOK_BACK_MS }).toString();
  try {
    for (let page = 0; page < PAGES; page += 1) {
      const messages = (await rest.get(Routes.channelMessages(view.channelId), {
        query: new URLSearchParams({ after, limit: "100" }),
      })) as APIMessage[];
      const card = messages.find((message) => message.author.id === botId && isCardOf(message, view.id));
      if (card) return card.id;
      if (messages.length < 100) return null;
      after = messages.reduce(
        (newest, message) => (BigInt(message.id) > BigInt(newest) ? message.id : newest),
        after,
      );
    }
  } catch (error) {
    deps.log.warn({ err: error, taskId: view.id }, "could not look for an unrecorded card; posting one");
  }
  return null;
}

function isCardOf(message: APIMessage, taskId: number): boolean {
  return (message.components ?? []).some((row) =>
    ("components" in row ? row.components : []).some((component) => {
      const id = "custom_id" in component ? parseCustomId(component.custom_id) : null;
      return id?.kind === "card" && id.taskId === taskId;
    }),
  );
}
