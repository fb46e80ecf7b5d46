import { sql } from "drizzle-orm";
import {
  CARD_ROW_SHOWN,
  CLICK_MARK_RESULT,
  clickMarkSql,
  NOT_SHOWN,
  SHOWN_COLUMNS,
  takeClickMark,
} from "./click-mark.ts";
import { Combiner } from "./combiner.ts";
import type { Database } from "./database.ts";
import { newNonce } from "./outbox.ts";
import { columnsAs, prepareStatement, runPrepared } from "./prepared.ts";
import { fromJson, LIVE_LIST } from "./raw.ts";
import { type TaskRow, tasks } from "./schema.ts";
import type { Marked } from "./task-messages.ts";
import { LINKED_TASK_FIELDS, type LinkedTasks, linkedTasksOf } from "./task-views.ts";
import { retried } from "./transaction.ts";

/** A submit decided on the row as read (version `version`), to write in one statement. */
export interface SubmitAlone {
  taskId: number;
  version: number;
  from: string;
  to: "done" | "in_review";
  /** The event's kind (TRANSITIONS.submit.eventKind). */
  kind: string;
  actorId: string;
  source: string;
  now: Date;
  /** The event's details (already without empty values) and the attempt's summary and evidence. */
  details: Record<string, unknown>;
  summary: string | null;
  result: Record<string, unknown> | null;
  cardDueAt: Date;
  /** The channel's reviewers are told (review_request), or the creator (creator_notice). */
  reviewRequest: boolean;
  creatorNotice: boolean;
  /** The card message clicked (marked at the new version in the same statement), null for no click. */
  shownOn: string | null;
}

interface SubmitValues extends Record<string, unknown> {
  taskId: number;
  version: number;
  from: string;
  to: string;
  actorId: string;
  kind: string;
  source: string;
  now: string;
  details: string;
  summary: string | null;
  result: string | null;
  cardNonce: string;
  cardDueAt: string;
  messageNonce: string;
  reviewRequest: boolean;
  creatorNotice: boolean;
  shownOn: string | null;
}

const p = (name: keyof SubmitValues & string) => sql.placeholder(name);
const NOW = sql`${p("now")}::timestamptz`;
const TO = sql`${p("to")}::text`;
const COLUMNS = columnsAs(tasks, "t");
const f = LINKED_TASK_FIELDS;

/**
 * A simple submit in one autocommit statement: the version-checked update (only while nobody holds
 * the row: a holder may be adding a subtask or a dependent, which the locking path reads after it),
 * the attempt closed (written closed when none was open, as endAttempt does), the event, the card's
 * outbox row and the review_request or creator_notice row, and the view's relatives. Writes nothing
 * when the row is held or moved on, has live subtasks, or (to done) a recurrence or blocked dependents:
 * the transaction path (apply-transition.ts) decides those.
 */
const SUBMIT = prepareStatement<SubmitValues>(
  "tasklane_submit_alone",
  sql`WITH locked AS (
    SELECT id FROM tasks WHERE id = ${p("taskId")}::int AND version = ${p("version")}::int
    FOR NO KEY UPDATE SKIP LOCKED
  ), updated AS (
    UPDATE tasks t SET status = ${TO}, submitted_at = ${NOW}, lease_expires_at = NULL,
      completed_at = CASE WHEN ${TO} = 'done' THEN ${NOW} END,
      metadata = t.metadata - 'question', version = t.version + 1, updated_at = ${NOW}
    FROM locked
    WHERE t.id = locked.id AND t.version = ${p("version")}::int AND t.status = ${p("from")}::text
      AND NOT EXISTS (SELECT 1 FROM tasks s WHERE s.parent_id = t.id AND s.status IN ${LIVE_LIST})
      AND (${TO} <> 'done' OR (t.recurrence IS NULL AND NOT EXISTS (
        SELECT 1 FROM task_dependencies d JOIN tasks b ON b.id = d.task_id
        WHERE d.depends_on_id = t.id AND b.status = 'blocked')))
    RETURNING t.*
  ), closed AS (
    UPDATE task_attempts SET ended_at = ${NOW}, outcome = 'submitted', summary = ${p("summary")}::text,
      result = ${p("result")}::jsonb, error = NULL
    WHERE task_id = (SELECT id FROM updated) AND ended_at IS NULL
    RETURNING *
  ), filled AS (
    INSERT INTO task_attempts (task_id, assignee_id, started_at, attempt, ended_at, outcome, summary, result)
    SELECT u.id, u.assignee_id, coalesce(u.started_at, ${NOW}),
      (SELECT coalesce(max(attempt), 0) + 1 FROM task_attempts WHERE task_id = u.id),
      ${NOW}, 'submitted', ${p("summary")}::text, ${p("result")}::jsonb
    FROM updated u WHERE u.assignee_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM closed)
    RETURNING *
  ), submitted AS (
    SELECT * FROM closed UNION ALL SELECT * FROM filled
  )${clickMarkSql(sql`${p("shownOn")}::text`)}, event AS (
    INSERT INTO task_events (task_id, guild_id, actor_id, kind, from_status, to_status, details, source, created_at)
    SELECT id, guild_id, ${p("actorId")}::text, ${p("kind")}::text, ${p("from")}::text, ${TO},
      ${p("details")}::jsonb, ${p("source")}::text, ${NOW}
    FROM updated
  ), messages AS (
    INSERT INTO outbox (guild_id, channel_id, task_id, kind, payload, coalesce_key, nonce, next_attempt_at, created_at,
      ${SHOWN_COLUMNS})
    SELECT guild_id, channel_id, id, 'card', jsonb_build_object('taskId', id, 'version', version), 'card:' || id,
      ${p("cardNonce")}::text, ${p("cardDueAt")}::timestamptz, ${NOW}, ${CARD_ROW_SHOWN}
    FROM updated
    UNION ALL
    SELECT guild_id, channel_id, id, 'review_request', jsonb_build_object('taskId', id, 'attempt',
        coalesce((SELECT max(attempt) FROM submitted),
          (SELECT max(attempt) FROM task_attempts WHERE task_id = updated.id))),
      NULL, ${p("messageNonce")}::text, ${NOW}, ${NOW}, ${NOT_SHOWN}
    FROM updated WHERE ${p("reviewRequest")}::boolean
    UNION ALL
    SELECT guild_id, channel_id, id, 'creator_notice',
      jsonb_build_object('taskId', id, 'outcome', status, 'actorId', ${p("actorId")}::text),
      NULL, ${p("messageNonce")}::text, ${NOW}, ${NOW}, ${NOT_SHOWN}
    FROM updated WHERE ${p("creatorNotice")}::boolean
  )
  SELECT ${COLUMNS}, ${f.parent} AS parent, ${f.dependencies} AS dependencies, ${f.blocks} AS blocks,
    ${f.subtasks} AS subtasks,
    (SELECT json_build_object('attempt', a.attempt, 'assigneeId', a.assignee_id, 'startedAt', a.started_at,
        'endedAt', a.ended_at, 'outcome', a.outcome, 'summary', a.summary, 'result', a.result, 'error', a.error,
        'questions', a.questions)
      FROM submitted a ORDER BY a.attempt DESC LIMIT 1) AS submission, ${CLICK_MARK_RESULT}
  FROM updated t`,
);

/**
 * SUBMIT for several tasks at once (distinct tasks; each row's values in one JSON array, `batch`):
 * the same checks and rows per task, one statement and one commit for all. `ord` says whose row it is.
 */
const SUBMIT_BATCH = prepareStatement<{ batch: string }>(
  "tasklane_submit_batch",
  sql`WITH input AS (
    SELECT * FROM jsonb_to_recordset(${sql.placeholder("batch")}::jsonb) AS i(task_id int,
      version int, from_status text, to_status text, actor_id text, kind text, source text, now timestamptz,
      details jsonb, summary text, result jsonb, card_nonce text, card_due timestamptz, message_nonce text,
      review_request boolean, creator_notice boolean, shown_on text, ord bigint)
  ), locked AS (
    -- ANY(ARRAY(…)): an index probe per task, whatever the plan guesses the input's size to be.
    SELECT t.id FROM tasks t
    WHERE t.id = ANY(ARRAY(SELECT task_id FROM input))
      AND t.version = (SELECT i.version FROM input i WHERE i.task_id = t.id)
    ORDER BY t.id
    FOR NO KEY UPDATE OF t SKIP LOCKED
  ), updated AS (
    UPDATE tasks t SET status = i.to_status, submitted_at = i.now, lease_expires_at = NULL,
      completed_at = CASE WHEN i.to_status = 'done' THEN i.now END,
      metadata = t.metadata - 'question', version = t.version + 1, updated_at = i.now
    FROM locked l JOIN input i ON i.task_id = l.id
    WHERE t.id = l.id AND t.version = i.version AND t.status = i.from_status
      AND NOT EXISTS (SELECT 1 FROM tasks s WHERE s.parent_id = t.id AND s.status IN ${LIVE_LIST})
      AND (i.to_status <> 'done' OR (t.recurrence IS NULL AND NOT EXISTS (
        SELECT 1 FROM task_dependencies d JOIN tasks b ON b.id = d.task_id
        WHERE d.depends_on_id = t.id AND b.status = 'blocked')))
    RETURNING t.*, i.ord AS s_ord, i.actor_id AS s_actor, i.kind AS s_kind, i.from_status AS s_from,
      i.source AS s_source, i.now AS s_now, i.details AS s_details, i.summary AS s_summary,
      i.result AS s_result, i.card_nonce AS s_card_nonce, i.card_due AS s_card_due,
      i.message_nonce AS s_message_nonce, i.review_request AS s_review, i.creator_notice AS s_notice,
      i.shown_on AS s_shown_on
  ), closed AS (
    UPDATE task_attempts x SET ended_at = u.s_now, outcome = 'submitted', summary = u.s_summary,
      result = u.s_result, error = NULL
    FROM updated u WHERE x.task_id = ANY(ARRAY(SELECT id FROM updated)) AND x.task_id = u.id
      AND x.ended_at IS NULL
    RETURNING x.*
  ), filled AS (
    INSERT INTO task_attempts (task_id, assignee_id, started_at, attempt, ended_at, outcome, summary, result)
    SELECT u.id, u.assignee_id, coalesce(u.started_at, u.s_now),
      (SELECT coalesce(max(attempt), 0) + 1 FROM task_attempts WHERE task_id = u.id),
      u.s_now, 'submitted', u.s_summary, u.s_result
    FROM updated u WHERE u.assignee_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM closed c WHERE c.task_id = u.id)
    RETURNING *
  ), submitted AS (
    SELECT * FROM closed UNION ALL SELECT * FROM filled
  )${clickMarkSql(sql`u.s_shown_on`)}, event AS (
    INSERT INTO task_events (task_id, guild_id, actor_id, kind, from_status, to_status, details, source, created_at)
    SELECT id, guild_id, s_actor, s_kind, s_from, status, s_details, s_source, s_now
    FROM updated
  ), messages AS (
    INSERT INTO outbox (guild_id, channel_id, task_id, kind, payload, coalesce_key, nonce, next_attempt_at, created_at,
      ${SHOWN_COLUMNS})
    SELECT guild_id, channel_id, id, 'card', jsonb_build_object('taskId', id, 'version', version), 'card:' || id,
      s_card_nonce, s_card_due, s_now, ${CARD_ROW_SHOWN}
    FROM updated
    UNION ALL
    SELECT guild_id, channel_id, id, 'review_request', jsonb_build_object('taskId', id, 'attempt',
        coalesce((SELECT max(attempt) FROM submitted WHERE task_id = updated.id),
          (SELECT max(attempt) FROM task_attempts WHERE task_id = updated.id))),
      NULL, s_message_nonce, s_now, s_now, ${NOT_SHOWN}
    FROM updated WHERE s_review
    UNION ALL
    SELECT guild_id, channel_id, id, 'creator_notice',
      jsonb_build_object('taskId', id, 'outcome', status, 'actorId', s_actor),
      NULL, s_message_nonce, s_now, s_now, ${NOT_SHOWN}
    FROM updated WHERE s_notice
  )
  SELECT t.s_ord AS "ord", ${COLUMNS}, ${f.parent} AS parent, ${f.dependencies} AS dependencies,
    ${f.blocks} AS blocks, ${f.subtasks} AS subtasks,
    (SELECT json_build_object('attempt', a.attempt, 'assigneeId', a.assignee_id, 'startedAt', a.started_at,
        'endedAt', a.ended_at, 'outcome', a.outcome, 'summary', a.summary, 'result', a.result, 'error', a.error,
        'questions', a.questions)
      FROM submitted a WHERE a.task_id = t.id ORDER BY a.attempt DESC LIMIT 1) AS submission,
    ${CLICK_MARK_RESULT}
  FROM updated t`,
);

type Written = {
  task: TaskRow;
  linked: LinkedTasks;
  submission: Record<string, unknown> | null;
  clickMark: Marked | undefined;
};

function writtenOf(row: Record<string, unknown>, shownOn: string | null): Written {
  const clickMark = takeClickMark(row, shownOn);
  const { parent, dependencies, blocks, subtasks, submission, ord: _, ...task } = row;
  return {
    task: task as unknown as TaskRow,
    linked: linkedTasksOf({ parent, dependencies, blocks, subtasks }),
    submission: fromJson<Record<string, unknown> | null>(submission) ?? null,
    clickMark,
  };
}

const submits = new Combiner<Database, SubmitAlone, Written | undefined>({
  lane: () => "",
  conflict: (submit) => String(submit.taskId),
  lanes: 1,
  batchMax: 16,
  one: (database, submit) => retried(() => submitTaskAlone(database, submit)),
  many: async (database, batch) => {
    const rows = await retried(() =>
      runPrepared<Record<string, unknown>, { batch: string }>(database, SUBMIT_BATCH, {
        batch: JSON.stringify(
          batch.map((submit, index) => ({
            ord: index + 1,
            task_id: submit.taskId,
            version: submit.version,
            from_status: submit.from,
            to_status: submit.to,
            actor_id: submit.actorId,
            kind: submit.kind,
            source: submit.source,
            now: submit.now.toISOString(),
            details: submit.details,
            summary: submit.summary,
            result: submit.result,
            card_nonce: newNonce(),
            card_due: submit.cardDueAt.toISOString(),
            message_nonce: newNonce(),
            review_request: submit.reviewRequest,
            creator_notice: submit.creatorNotice,
            shown_on: submit.shownOn,
          })),
        ),
      }),
    );
    const answers: (Written | undefined)[] = batch.map(() => undefined);
    for (const row of rows) {
      const index = Number(row.ord) - 1;
      answers[index] = writtenOf(row, batch[index]!.shownOn);
    }
    return answers;
  },
});

/**
 * submitTaskAlone through a combiner (store/combiner.ts): submits arriving while others run share
 * one statement (SUBMIT_BATCH); each caller gets what submitTaskAlone would have given it.
 */
export function submitTaskCombined(database: Database, submit: SubmitAlone): Promise<Written | undefined> {
  return submits.run(database, submit);
}

/**
 * Writes the submit; undefined when it wrote nothing (see SUBMIT). `submission`: the attempt as it
 * was handed in, in the shape the view's submission is read (task-views.ts).
 */
export async function submitTaskAlone(database: Database, submit: SubmitAlone): Promise<Written | undefined> {
  const [row] = await runPrepared<Record<string, unknown>, SubmitValues>(database, SUBMIT, {
    taskId: submit.taskId,
    version: submit.version,
    from: submit.from,
    to: submit.to,
    actorId: submit.actorId,
    kind: submit.kind,
    source: submit.source,
    now: submit.now.toISOString(),
    details: JSON.stringify(submit.details),
    summary: submit.summary,
    result: submit.result === null ? null : JSON.stringify(submit.result),
    cardNonce: newNonce(),
    cardDueAt: submit.cardDueAt.toISOString(),
    messageNonce: newNonce(),
    reviewRequest: submit.reviewRequest,
    creatorNotice: submit.creatorNotice,
    shownOn: submit.shownOn,
  });
  return row ? writtenOf(row, submit.shownOn) : undefined;
}
