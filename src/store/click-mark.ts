import { type SQL, sql } from "drizzle-orm";
import { type Marked, markedFrom, SHOWN_BY_CLICK } from "./task-messages.ts";

/**
 * The clicked card's mark (MARK in task-messages.ts) inside the statement of the change the click
 * makes, so the click's own update needs no statement before it. `updated` is the change's CTE (each
 * row at its new version); `shownOn` the clicked message as an expression over its row `u`, NULL for a
 * change that is no click. click_mark records the new version on the live card when it is the clicked
 * message; click_settled settles the card's older pending rows, and the change's own card row is
 * written settled (CARD_ROW_SHOWN): the rows MARK would leave after the change. (MARK settles only
 * rows up to its version; here every pending card row is older than the version this statement writes.)
 */
export function clickMarkSql(shownOn: SQL): SQL {
  return sql`, click_mark AS (
    UPDATE task_messages m SET rendered_version = u.version, updated_at = now()
    FROM updated u
    WHERE m.task_id = u.id AND m.message_id = ${shownOn} AND m.rendered_version <= u.version
    RETURNING m.task_id, m.message_id
  ), click_settled AS (
    UPDATE outbox o SET state = 'sent', sent_at = now(), discord_message_id = c.message_id,
      last_error = ${SHOWN_BY_CLICK}
    FROM click_mark c
    WHERE o.task_id = c.task_id AND o.kind = 'card' AND o.state = 'pending'
  )`;
}

/** The outbox columns each row of the change's messages CTE gives after its others. */
export const SHOWN_COLUMNS = sql`state, sent_at, discord_message_id, last_error`;

const MARKED_ON = sql`(SELECT c.message_id FROM click_mark c WHERE c.task_id = updated.id)`;

/** Those columns for the change's card row (selected from `updated`): settled when click_mark recorded it. */
export const CARD_ROW_SHOWN = sql`CASE WHEN ${MARKED_ON} IS NULL THEN 'pending' ELSE 'sent' END,
      CASE WHEN ${MARKED_ON} IS NOT NULL THEN now() END, ${MARKED_ON},
      CASE WHEN ${MARKED_ON} IS NOT NULL THEN ${SHOWN_BY_CLICK} END`;

/** Those columns for any other row (a notice, a review request): pending. */
export const NOT_SHOWN = sql`'pending', NULL::timestamptz, NULL::text, NULL::text`;

/** What the statement returns of the mark: the card row as it was before the statement (`t`: its task). */
export const CLICK_MARK_RESULT = sql`(SELECT message_id FROM task_messages WHERE task_id = t.id) AS "clickCard",
    (SELECT rendered_version FROM task_messages WHERE task_id = t.id) AS "clickCardBefore",
    EXISTS (SELECT 1 FROM click_mark c WHERE c.task_id = t.id) AS "clickMarked"`;

/**
 * Takes CLICK_MARK_RESULT's columns off the statement's row: the mark it made, as markCardRendered
 * answers, or undefined when the change was no click.
 */
export function takeClickMark(row: Record<string, unknown>, shownOn: string | null): Marked | undefined {
  const { clickCard, clickCardBefore, clickMarked } = row;
  delete row.clickCard;
  delete row.clickCardBefore;
  delete row.clickMarked;
  if (shownOn === null) return undefined;
  return markedFrom(
    {
      messageId: (clickCard as string | null) ?? null,
      before: (clickCardBefore as number | null) ?? null,
      marked: clickMarked === true,
    },
    shownOn,
  );
}
