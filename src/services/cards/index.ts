import type { EventSource } from "../../domain/task-states.ts";
import type { Database } from "../../store/database.ts";
import { findTaskHeader } from "../../store/task-headers.ts";
import {
  claimCardPosting,
  claimCardVersion,
  findCard,
  forgetCard,
  markCardRendered,
  recordCardMessage,
  releaseCardClaim,
  restoreCardVersion,
  supersededWhileSending,
} from "../../store/task-messages.ts";
import { findTaskOfThread, findThread, forgetThread, recordThreadOpened } from "../../store/task-threads.ts";
import type { CardService } from "../contracts.ts";

export { PENDING_MESSAGE_ID } from "../../store/task-messages.ts";

/**
 * How long a new task's card is left to the creating interaction (it must answer within 3 s): the
 * outbox posts it only after this (src/discord/cards/refresh.ts), and a create answered with its
 * card (a slash command's or a modal's reply) makes its card row due then, not at once.
 */
export const NEW_CARD_REPLY_GRACE_MS = 10_000;

/** The sources whose create is answered with the new card (`replyWithNew`); a mention's, an import's, a recurrence's is not. */
export const REPLIED_WITH_CARD: ReadonlySet<EventSource> = new Set(["slash", "modal", "context_menu"]);

/** Where each task's live card is, and which version it shows (store/task-messages.ts has the protocol). */
export function createCardService({ database }: { database: Database }): CardService {
  const { db } = database;
  return {
    header: (taskId) => findTaskHeader(db, taskId),
    find: (taskId) => findCard(db, taskId),
    claimPosting: (taskId, channelId) => claimCardPosting(db, taskId, channelId),
    recordMessage: (card) => recordCardMessage(db, card),
    releaseClaim: (taskId) => releaseCardClaim(db, taskId),
    claimVersion: (taskId, version) => claimCardVersion(db, taskId, version),
    restoreVersion: (taskId, claimed, previous) => restoreCardVersion(db, taskId, claimed, previous),
    markRendered: (taskId, messageId, version) => markCardRendered(db, taskId, messageId, version),
    supersededWhileSending: (taskId, version) => supersededWhileSending(db, taskId, version),
    forget: (taskId, messageId) => forgetCard(db, taskId, messageId),
    thread: (taskId) => findThread(db, taskId),
    taskOfThread: (guildId, threadId) => findTaskOfThread(db, guildId, threadId),
    recordThread: (taskId, threadId) => recordThreadOpened(db, taskId, threadId),
    forgetThread: (taskId, threadId) => forgetThread(db, taskId, threadId),
  };
}
