import { and, eq, lt, ne, sql } from "drizzle-orm";
import type { Queryable } from "../store/database.ts";
import { taskMessages } from "../store/schema.ts";

/**
 * Where each task's live card is (task_messages). Posting is claimed first with a placeholder row, so
 * two posters (a slash command and the outbox dispatcher, or two instances) never post two cards: the
 * loser sees `pending` and retries later. A placeholder older than a minute is a poster that died.
 */
export const PENDING_MESSAGE_ID = "pending";
const STALE_CLAIM = sql`now() - interval '60 seconds'`;

export interface CardRecord {
  taskId: number;
  channelId: string;
  messageId: string;
  renderedVersion: number;
}

export async function findCard(db: Queryable, taskId: number): Promise<CardRecord | null> {
  const [row] = await db
    .select({
      taskId: taskMessages.taskId,
      channelId: taskMessages.channelId,
      messageId: taskMessages.messageId,
      renderedVersion: taskMessages.renderedVersion,
    })
    .from(taskMessages)
    .where(eq(taskMessages.taskId, taskId))
    .limit(1);
  return row ?? null;
}

/** True when the caller may post the card: no card yet, or a poster died mid-way. */
export async function claimCardPosting(db: Queryable, taskId: number, channelId: string): Promise<boolean> {
  const rows = await db
    .insert(taskMessages)
    .values({ taskId, channelId, messageId: PENDING_MESSAGE_ID, renderedVersion: 0 })
    .onConflictDoUpdate({
      target: taskMessages.taskId,
      set: { channelId, updatedAt: sql`now()` },
      setWhere: and(eq(taskMessages.messageId, PENDING_MESSAGE_ID), lt(taskMessages.updatedAt, STALE_CLAIM)),
    })
    .returning({ taskId: taskMessages.taskId });
  return rows.length > 0;
}

export async function recordCardMessage(
  db: Queryable,
  card: { taskId: number; channelId: string; messageId: string; renderedVersion: number },
): Promise<void> {
  await db
    .insert(taskMessages)
    .values(card)
    .onConflictDoUpdate({
      target: taskMessages.taskId,
      set: {
        channelId: card.channelId,
        messageId: card.messageId,
        renderedVersion: card.renderedVersion,
        updatedAt: sql`now()`,
      },
    });
}

/** The post failed: let the next poster try. */
export async function releaseCardClaim(db: Queryable, taskId: number): Promise<void> {
  await db
    .delete(taskMessages)
    .where(and(eq(taskMessages.taskId, taskId), eq(taskMessages.messageId, PENDING_MESSAGE_ID)));
}

/**
 * Reserves the right to render `version` on the posted card; false when that version (or a newer one)
 * is already there or being rendered, so an older edit never overwrites a newer one that won the race.
 */
export async function claimCardVersion(
  db: Queryable,
  taskId: number,
  version: number,
): Promise<CardRecord | null> {
  const [row] = await db
    .update(taskMessages)
    .set({ renderedVersion: version, updatedAt: sql`now()` })
    .where(
      and(
        eq(taskMessages.taskId, taskId),
        lt(taskMessages.renderedVersion, version),
        ne(taskMessages.messageId, PENDING_MESSAGE_ID),
      ),
    )
    .returning({
      taskId: taskMessages.taskId,
      channelId: taskMessages.channelId,
      messageId: taskMessages.messageId,
      renderedVersion: taskMessages.renderedVersion,
    });
  return row ?? null;
}

/** The edit that claimed `version` failed: give the version back so a retry renders it. */
export async function restoreCardVersion(
  db: Queryable,
  taskId: number,
  claimed: number,
  previous: number,
): Promise<void> {
  await db
    .update(taskMessages)
    .set({ renderedVersion: previous })
    .where(and(eq(taskMessages.taskId, taskId), eq(taskMessages.renderedVersion, claimed)));
}

/** A click updated `messageId` in place: true when that message is the live card (its version recorded). */
export async function markCardRendered(
  db: Queryable,
  taskId: number,
  messageId: string,
  version: number,
): Promise<boolean> {
  const rows = await db
    .update(taskMessages)
    .set({
      renderedVersion: sql`greatest(${taskMessages.renderedVersion}, ${version})`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(taskMessages.taskId, taskId), eq(taskMessages.messageId, messageId)))
    .returning({ taskId: taskMessages.taskId });
  return rows.length > 0;
}

/** The card message is gone (deleted in Discord): forget it so the next refresh posts a new one. */
export async function forgetCard(db: Queryable, taskId: number, messageId: string): Promise<void> {
  await db
    .delete(taskMessages)
    .where(and(eq(taskMessages.taskId, taskId), eq(taskMessages.messageId, messageId)));
}
