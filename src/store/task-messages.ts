import { and, eq, lt, ne, sql } from "drizzle-orm";
import type { Queryable } from "./database.ts";
import { prepareStatement, runPreparedOn } from "./prepared.ts";
import { taskMessages } from "./schema.ts";

/**
 * Where each task's live card is (task_messages). Posting is claimed first with a placeholder row, so
 * two posters (a slash command and the outbox dispatcher, or two instances) never post two cards: the
 * loser sees `pending` and retries later. A placeholder older than a minute is a poster that died.
 *
 * rendered_version is the version the card shows. Edits race (a click's in-place update, the
 * dispatcher's PATCH), and Discord keeps whichever lands last, so every editor records its version
 * and, if it finds a newer one recorded while its own edit was in flight, assumes it may have
 * clobbered that newer card and renders again (see refreshCard and the card click handlers).
 */
export const PENDING_MESSAGE_ID = "pending";
const STALE_CLAIM = sql`now() - interval '60 seconds'`;
const p = (name: string) => sql.placeholder(name);

export interface CardRecord {
  taskId: number;
  channelId: string;
  messageId: string;
  renderedVersion: number;
}

const FIND = prepareStatement<{ taskId: number }>(
  "tasklane_find_card",
  sql`SELECT task_id AS "taskId", channel_id AS "channelId", message_id AS "messageId",
    rendered_version AS "renderedVersion"
  FROM task_messages WHERE task_id = ${p("taskId")}::int LIMIT 1`,
);

export async function findCard(db: Queryable, taskId: number): Promise<CardRecord | null> {
  const [row] = await runPreparedOn<CardRecord & Record<string, unknown>, { taskId: number }>(db, FIND, {
    taskId,
  });
  return row ?? null;
}

const CLAIM_POSTING = prepareStatement<{ taskId: number; channelId: string }>(
  "tasklane_claim_card_posting",
  sql`INSERT INTO task_messages (task_id, channel_id, message_id, rendered_version)
  VALUES (${p("taskId")}::int, ${p("channelId")}::text, ${PENDING_MESSAGE_ID}, 0)
  ON CONFLICT (task_id) DO UPDATE SET channel_id = excluded.channel_id, updated_at = now()
  WHERE task_messages.message_id = ${PENDING_MESSAGE_ID} AND task_messages.updated_at < ${STALE_CLAIM}
  RETURNING task_id`,
);

/** True when the caller may post the card: no card yet, or a poster died mid-way. */
export async function claimCardPosting(db: Queryable, taskId: number, channelId: string): Promise<boolean> {
  const rows = await runPreparedOn(db, CLAIM_POSTING, { taskId, channelId });
  return rows.length > 0;
}

/** The note on card outbox rows settled by the post that recorded the card (a create's reply). */
export const SHOWN_BY_POST = "shown by the post that recorded the card";

interface CardValues extends Record<string, unknown> {
  taskId: number;
  channelId: string;
  messageId: string;
  renderedVersion: number;
}

const RECORD = prepareStatement<CardValues>(
  "tasklane_record_card",
  sql`WITH recorded AS (
      INSERT INTO task_messages (task_id, channel_id, message_id, rendered_version)
      VALUES (${p("taskId")}::int, ${p("channelId")}::text, ${p("messageId")}::text, ${p("renderedVersion")}::int)
      ON CONFLICT (task_id) DO UPDATE SET channel_id = excluded.channel_id, message_id = excluded.message_id,
        rendered_version = excluded.rendered_version, updated_at = now()
      RETURNING task_id)
    UPDATE outbox SET state = 'sent', sent_at = now(), discord_message_id = ${p("messageId")}::text,
      last_error = ${SHOWN_BY_POST}
    WHERE task_id IN (SELECT task_id FROM recorded) AND kind = 'card' AND state = 'pending'
      AND (payload->>'version')::int <= ${p("renderedVersion")}::int`,
);

/**
 * Records the posted card at `renderedVersion`, and settles the pending card outbox rows up to that
 * version in the same statement: the card they ask for is the one just posted (a create answered with
 * its card leaves the dispatcher nothing to look at).
 */
export async function recordCardMessage(
  db: Queryable,
  card: { taskId: number; channelId: string; messageId: string; renderedVersion: number },
): Promise<void> {
  await runPreparedOn(db, RECORD, {
    taskId: card.taskId,
    channelId: card.channelId,
    messageId: card.messageId,
    renderedVersion: card.renderedVersion,
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

export type MarkOutcome = "marked" | "newer" | "not_live";

/** The note on card outbox rows a click settled: the dispatcher never re-reads them to learn the card is current. */
export const SHOWN_BY_CLICK = "shown by the click that made the change";

const MARK = prepareStatement<{ taskId: number; messageId: string; version: number }>(
  "tasklane_mark_card_rendered",
  sql`WITH card AS (
      SELECT message_id, rendered_version FROM task_messages WHERE task_id = ${p("taskId")}::int),
    marked AS (
      UPDATE task_messages SET rendered_version = ${p("version")}::int, updated_at = now()
      WHERE task_id = ${p("taskId")}::int AND message_id = ${p("messageId")}::text
        AND rendered_version <= ${p("version")}::int
      RETURNING task_id),
    settled AS (
      UPDATE outbox SET state = 'sent', sent_at = now(), discord_message_id = ${p("messageId")}::text,
        last_error = ${SHOWN_BY_CLICK}
      WHERE task_id IN (SELECT task_id FROM marked) AND kind = 'card' AND state = 'pending'
        AND (payload->>'version')::int <= ${p("version")}::int
      RETURNING id)
    SELECT card.message_id AS "messageId", card.rendered_version AS "before",
      EXISTS (SELECT 1 FROM marked) AS marked, (SELECT count(*) FROM settled) AS settled
    FROM card`,
);

/** What a click's mark found: its outcome, and the version the card was recorded at before it. */
export interface Marked {
  outcome: MarkOutcome;
  /** The recorded version the mark replaced (to give back if the edit fails); null without a card row. */
  previousVersion: number | null;
}

/**
 * A click is about to update `messageId` in place to `version`, in one statement. marked: it is the
 * live card, now recorded at that version, and the pending card outbox rows up to that version are
 * settled in the same statement (the edit they ask for is this one; a dispatcher holding one of them
 * heals a late edit of its own by refreshing again, see discord-senders.ts). newer: a newer version is
 * already recorded (show that one instead). not_live: another message (e.g. a /task view copy);
 * nothing recorded. The version it replaced comes back with it (read in the statement's snapshot).
 */
export async function markCardRendered(
  db: Queryable,
  taskId: number,
  messageId: string,
  version: number,
): Promise<Marked> {
  const [row] = await runPreparedOn<
    { messageId: string; before: number; marked: boolean } & Record<string, unknown>,
    { taskId: number; messageId: string; version: number }
  >(db, MARK, { taskId, messageId, version });
  return markedFrom(row, messageId);
}

/** A mark's outcome from what it found: the card row's message and version before it, and whether it recorded. */
export function markedFrom(
  found: { messageId: string | null; before: number | string | null; marked: boolean } | undefined,
  clickedMessageId: string,
): Marked {
  if (!found || found.messageId === null || found.before === null)
    return { outcome: "not_live", previousVersion: null };
  const previousVersion = Number(found.before);
  if (found.marked) return { outcome: "marked", previousVersion };
  return { outcome: found.messageId === clickedMessageId ? "newer" : "not_live", previousVersion };
}

const SUPERSEDED = prepareStatement<{ taskId: number; version: number }>(
  "tasklane_card_superseded",
  sql`UPDATE task_messages SET rendered_version = ${p("version")}::int
  WHERE task_id = ${p("taskId")}::int AND rendered_version > ${p("version")}::int
  RETURNING task_id`,
);

/**
 * After an edit to `version` landed: if someone recorded a newer version while it was in flight, ours
 * may have landed last. Records `version` again (what the card may now show) and answers true, so the
 * caller renders the newest view once more.
 */
export async function supersededWhileSending(
  db: Queryable,
  taskId: number,
  version: number,
): Promise<boolean> {
  const rows = await runPreparedOn(db, SUPERSEDED, { taskId, version });
  return rows.length > 0;
}

/** The card message is gone (deleted in Discord): forget it so the next refresh posts a new one. */
export async function forgetCard(db: Queryable, taskId: number, messageId: string): Promise<void> {
  await db
    .delete(taskMessages)
    .where(and(eq(taskMessages.taskId, taskId), eq(taskMessages.messageId, messageId)));
}
