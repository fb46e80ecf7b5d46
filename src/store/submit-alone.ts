import { sql } from "drizzle-orm";
import type { Database } from "./database.ts";
import { newNonce } from "./outbox.ts";
import { columnsAs, prepareStatement, runPrepared } from "./prepared.ts";
import { fromJson } from "./raw.ts";
import { LIVE_STATUSES, type TaskRow, tasks } from "./schema.ts";
import { LINKED_TASK_FIELDS, type LinkedTasks, linkedTasksOf } from "./task-views.ts";

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
}

const p = (name: keyof SubmitValues & string) => sql.placeholder(name);
const NOW = sql`${p("now")}::timestamptz`;
const TO = sql`${p("to")}::text`;
const LIVE = sql.raw(LIVE_STATUSES.map((status) => `'${status}'`).join(", "));
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
      AND NOT EXISTS (SELECT 1 FROM tasks s WHERE s.parent_id = t.id AND s.status IN (${LIVE}))
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
  ), event AS (
    INSERT INTO task_events (task_id, guild_id, actor_id, kind, from_status, to_status, details, source, created_at)
    SELECT id, guild_id, ${p("actorId")}::text, ${p("kind")}::text, ${p("from")}::text, ${TO},
      ${p("details")}::jsonb, ${p("source")}::text, ${NOW}
    FROM updated
  ), messages AS (
    INSERT INTO outbox (guild_id, channel_id, task_id, kind, payload, coalesce_key, nonce, next_attempt_at, created_at)
    SELECT guild_id, channel_id, id, 'card', jsonb_build_object('taskId', id, 'version', version), 'card:' || id,
      ${p("cardNonce")}::text, ${p("cardDueAt")}::timestamptz, ${NOW}
    FROM updated
    UNION ALL
    SELECT guild_id, channel_id, id, 'review_request', jsonb_build_object('taskId', id, 'attempt',
        coalesce((SELECT max(attempt) FROM submitted),
          (SELECT max(attempt) FROM task_attempts WHERE task_id = updated.id))),
      NULL, ${p("messageNonce")}::text, ${NOW}, ${NOW}
    FROM updated WHERE ${p("reviewRequest")}::boolean
    UNION ALL
    SELECT guild_id, channel_id, id, 'creator_notice',
      jsonb_build_object('taskId', id, 'outcome', status, 'actorId', ${p("actorId")}::text),
      NULL, ${p("messageNonce")}::text, ${NOW}, ${NOW}
    FROM updated WHERE ${p("creatorNotice")}::boolean
  )
  SELECT ${COLUMNS}, ${f.parent} AS parent, ${f.dependencies} AS dependencies, ${f.blocks} AS blocks,
    ${f.subtasks} AS subtasks,
    (SELECT json_build_object('attempt', a.attempt, 'assigneeId', a.assignee_id, 'startedAt', a.started_at,
        'endedAt', a.ended_at, 'outcome', a.outcome, 'summary', a.summary, 'result', a.result, 'error', a.error,
        'questions', a.questions)
      FROM submitted a ORDER BY a.attempt DESC LIMIT 1) AS submission
  FROM updated t`,
);

/**
 * Writes the submit; undefined when it wrote nothing (see SUBMIT). `submission`: the attempt as it
 * was handed in, in the shape the view's submission is read (task-views.ts).
 */
export async function submitTaskAlone(
  database: Database,
  submit: SubmitAlone,
): Promise<{ task: TaskRow; linked: LinkedTasks; submission: Record<string, unknown> | null } | undefined> {
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
  });
  if (!row) return undefined;
  const { parent, dependencies, blocks, subtasks, submission, ...task } = row;
  return {
    task: task as unknown as TaskRow,
    linked: linkedTasksOf({ parent, dependencies, blocks, subtasks }),
    submission: fromJson<Record<string, unknown> | null>(submission) ?? null,
  };
}
