import { type APIChannel, type REST, RESTJSONErrorCodes, Routes } from "discord.js";
import type { TaskView } from "../../domain/task-view.ts";
import type { Logger } from "../../log.ts";
import { PENDING_MESSAGE_ID } from "../../services/cards/index.ts";
import type { CardService } from "../../services/contracts.ts";
import { isDiscordError } from "../cards/card-deps.ts";
import { oneLine } from "../render/format.ts";
import { NotReadyError } from "./delivery-failure.ts";
import type { SendResult } from "./outbox-dispatcher.ts";

export interface ThreadDeps {
  rest: () => REST;
  cards: Pick<CardService, "find" | "thread" | "recordThread" | "forgetThread">;
  log: Logger;
}

/** Discord's limit on a thread's name. */
const THREAD_NAME_MAX = 100;

/**
 * `#12 · Fix the login`, at most 100 characters. A name is plain text on Discord (no markdown, no
 * mentions); the title loses its control characters and line breaks.
 */
export function threadName(view: Pick<TaskView, "number" | "title">): string {
  const title = oneLine(view.title.replace(/\p{C}+/gu, " "))
    .replace(/\s+/g, " ")
    .trim();
  const name = title ? `#${view.number} · ${title}` : `#${view.number}`;
  const chars = [...name];
  return chars.length <= THREAD_NAME_MAX ? name : `${chars.slice(0, THREAD_NAME_MAX - 1).join("")}…`;
}

/**
 * The task's thread, opened if it is wanted and not yet open; null when the task has none (threads
 * were off when it was created, or the thread is gone). A thread starts on the card, so before the
 * card is posted this waits. Two openers (the `thread` row and a message that needs the thread, or two
 * instances) end with one thread: Discord starts one per message, with the message's id (160004).
 */
export async function openThread(deps: ThreadDeps, view: TaskView): Promise<string | null> {
  const thread = await deps.cards.thread(view.id);
  if (!thread || thread.state === "gone") return null;
  if (thread.state === "open") return thread.threadId;
  const card = await deps.cards.find(view.id);
  if (!card || card.messageId === PENDING_MESSAGE_ID)
    throw new NotReadyError("the card is not posted yet; the task's thread starts on it", 250);
  let threadId: string;
  try {
    const created = (await deps.rest().post(Routes.threads(card.channelId, card.messageId), {
      // No auto_archive_duration: the thread takes the channel's default.
      body: { name: threadName(view) },
    })) as APIChannel;
    threadId = created.id;
  } catch (error) {
    if (isDiscordError(error, RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage)) {
      threadId = card.messageId;
    } else if (
      isDiscordError(error, RESTJSONErrorCodes.MissingPermissions) ||
      isDiscordError(error, RESTJSONErrorCodes.MissingAccess) ||
      isDiscordError(error, RESTJSONErrorCodes.UnknownMessage) ||
      isDiscordError(error, RESTJSONErrorCodes.UnknownChannel)
    ) {
      // No thread can start on this card: its conversation stays in the channel.
      deps.log.warn({ err: error, taskId: view.id }, "could not open the task's thread; using its channel");
      await deps.cards.forgetThread(view.id, null);
      return null;
    } else {
      throw error;
    }
  }
  await deps.cards.recordThread(view.id, threadId);
  return threadId;
}

/**
 * Sends a message about the task where its conversation is: its thread when it has one, else its
 * channel. A deleted thread (10003) is forgotten and the message goes to the channel; an archived thread
 * is unarchived by the send itself, and one that is locked (50083, 160005) leaves this message to the channel.
 */
export async function sendToTaskPlace(
  deps: ThreadDeps,
  view: TaskView,
  send: (channelId: string) => Promise<SendResult>,
): Promise<SendResult> {
  const threadId = await openThread(deps, view);
  if (!threadId) return send(view.channelId);
  try {
    return await send(threadId);
  } catch (error) {
    if (isDiscordError(error, RESTJSONErrorCodes.UnknownChannel)) {
      await deps.cards.forgetThread(view.id, threadId);
      return send(view.channelId);
    }
    if (
      isDiscordError(error, RESTJSONErrorCodes.InvalidActionOnArchivedThread) ||
      isDiscordError(error, RESTJSONErrorCodes.ThreadLocked) ||
      isDiscordError(error, RESTJSONErrorCodes.MissingPermissions)
    ) {
      return send(view.channelId);
    }
    throw error;
  }
}

/** The task's title changed: its thread takes the new name (an archived or locked thread keeps the old one). */
export async function renameThread(deps: ThreadDeps, view: TaskView): Promise<SendResult> {
  const threadId = await openThread(deps, view);
  if (!threadId) return { messageId: null, note: "the task has no thread" };
  try {
    await deps.rest().patch(Routes.channel(threadId), { body: { name: threadName(view) } });
    return { messageId: threadId };
  } catch (error) {
    if (isDiscordError(error, RESTJSONErrorCodes.UnknownChannel)) {
      await deps.cards.forgetThread(view.id, threadId);
      return { messageId: null, note: "the thread was deleted" };
    }
    if (
      isDiscordError(error, RESTJSONErrorCodes.InvalidActionOnArchivedThread) ||
      isDiscordError(error, RESTJSONErrorCodes.ThreadLocked) ||
      isDiscordError(error, RESTJSONErrorCodes.MissingPermissions)
    ) {
      return {
        messageId: null,
        note: "the thread is archived, locked or not the bot's to rename: it keeps its name",
      };
    }
    throw error;
  }
}
