import { type SQL, sql } from "drizzle-orm";
import {
  CARD_ROW_SHOWN,
  CLICK_MARK_RESULT,
  clickMarkSql,
  NOT_SHOWN,
  SHOWN_COLUMNS,
  takeClickMark,
} from "./click-mark.ts";
import type { Database } from "./database.ts";
import { newNonce } from "./outbox.ts";
import { columnsAs, prepareStatement, runPrepared } from "./prepared.ts";
import { LIVE_LIST } from "./raw.ts";
import { type TaskRow, tasks } from "./schema.ts";
import type { Marked } from "./task-messages.ts";
import { LINKED_TASK_FIELDS, type LinkedTasks, linkedTasksOf } from "./task-views.ts";
import { retried } from "./transaction.ts";

/**
 * A claim, a start or an approve decided on the row as read (version `version`, status `from`), to
 * write in one statement (a submit has its own, submit-alone.ts).
 */
export interface TransitionAlone {
  action: "claim" | "start" | "approve";
  taskId: number;
  version: number;
  from: string;
  /** The event's kind (TRANSITIONS[action].eventKind). */
  kind: string;
  actorId: string;
  source: string;
  now: Date;
  /** The event's details (already without empty values). */
  details: Record<string, unknown>;
  cardDueAt: Date;
  /** approve: the review's comment, and whether the creator is told (creator_notice). */
  comment: string | null;
  creatorNotice: boolean;
  /** The card message clicked (marked at the new version in the same statement), null for no click. */
  shownOn: string | null;
}

interface TransitionValues extends Record<string, unknown> {
  taskId: number;
  version: number;
  from: string;
  actorId: string;
  kind: string;
  source: string;
  now: string;
  details: string;
  cardNonce: string;
  cardDueAt: string;
  comment: string | null;
  creatorNotice: boolean;
  messageNonce: string;
  shownOn: string | null;
}

const p = (name: keyof TransitionValues & string) => sql.placeholder(name);
const NOW = sql`${p("now")}::timestamptz`;
const ACTOR = sql`${p("actorId")}::text`;
const SHOWN_ON = sql`${p("shownOn")}::text`;
const COLUMNS = columnsAs(tasks, "t");
const f = LINKED_TASK_FIELDS;

/**
 * One autocommit statement for a transition: the version-checked update (only while nobody holds the
 * row, as SUBMIT in submit-alone.ts) where `guard` holds, `extra` (a start's attempt, an approve's
 * review), the event, the card's outbox row and then `messages`, and the view's relatives: the rows
 * apply-transition.ts writes for it; and a click's card mark (click-mark.ts).
 */
function transitionSql({
  set,
  guard,
  extra,
  messages,
}: {
  set: SQL;
  guard: SQL;
  extra: SQL;
  messages: SQL;
}): SQL {
  return sql`WITH locked AS (
    SELECT id FROM tasks WHERE id = ${p("taskId")}::int AND version = ${p("version")}::int
    FOR NO KEY UPDATE SKIP LOCKED
  ), updated AS (
    UPDATE tasks t SET ${set}, version = t.version + 1, updated_at = ${NOW}
    FROM locked
    WHERE t.id = locked.id AND t.version = ${p("version")}::int AND t.status = ${p("from")}::text AND ${guard}
    RETURNING t.*
  )${extra}${clickMarkSql(SHOWN_ON)}, event AS (
    INSERT INTO task_events (task_id, guild_id, actor_id, kind, from_status, to_status, details, source, created_at)
    SELECT id, guild_id, ${ACTOR}, ${p("kind")}::text, ${p("from")}::text, status,
      ${p("details")}::jsonb, ${p("source")}::text, ${NOW}
    FROM updated
  ), messages AS (
    INSERT INTO outbox (guild_id, channel_id, task_id, kind, payload, coalesce_key, nonce, next_attempt_at, created_at,
      ${SHOWN_COLUMNS})
    SELECT guild_id, channel_id, id, 'card', jsonb_build_object('taskId', id, 'version', version), 'card:' || id,
      ${p("cardNonce")}::text, ${p("cardDueAt")}::timestamptz, ${NOW}, ${CARD_ROW_SHOWN}
    FROM updated${messages}
  )
  SELECT ${COLUMNS}, ${f.parent} AS parent, ${f.dependencies} AS dependencies, ${f.blocks} AS blocks,
    ${f.subtasks} AS subtasks, ${CLICK_MARK_RESULT}
  FROM updated t`;
}

/**
 * Claim: the actor becomes the assignee, the status stays (a question is dropped, as on any way out
 * of in progress).
 */
const CLAIM = prepareStatement<TransitionValues>(
  "tasklane_claim_alone",
  transitionSql({
    set: sql`assignee_id = ${ACTOR}, metadata = t.metadata - 'question'`,
    guard: sql`true`,
    extra: sql``,
    messages: sql``,
  }),
);

/**
 * Start by someone who is not one of the guild's agents (an agent's start locks its row for its
 * capacity and lease: the transaction path): in progress, no lease, and a new attempt (an attempt
 * left open is closed as superseded, as insertChange's openAttempt does).
 */
const START = prepareStatement<TransitionValues>(
  "tasklane_start_alone",
  transitionSql({
    set: sql`status = 'in_progress', started_at = coalesce(t.started_at, ${NOW}), next_attempt_at = NULL,
      lease_expires_at = NULL`,
    guard: sql`NOT EXISTS (SELECT 1 FROM agents a WHERE a.guild_id = t.guild_id AND a.user_id = ${ACTOR})`,
    extra: sql`, superseded AS (
      UPDATE task_attempts SET ended_at = ${NOW}, outcome = 'released', summary = NULL, result = NULL,
        error = 'superseded by a new attempt'
      WHERE task_id = (SELECT id FROM updated) AND ended_at IS NULL
    ), attempt AS (
      INSERT INTO task_attempts (task_id, assignee_id, started_at, attempt)
      SELECT id, ${ACTOR}, ${NOW}, (SELECT coalesce(max(attempt), 0) + 1 FROM task_attempts WHERE task_id = u.id)
      FROM updated u
    )`,
    messages: sql``,
  }),
);

/**
 * Approve into done: the review row, the creator told when `creatorNotice`. Writes nothing when the
 * task has live subtasks (the rule's recheck), a recurrence or blocked dependents (the next occurrence
 * and the unblocking are the transaction path's).
 */
const APPROVE = prepareStatement<TransitionValues>(
  "tasklane_approve_alone",
  transitionSql({
    set: sql`status = 'done', completed_at = ${NOW}, metadata = t.metadata - 'question'`,
    guard: sql`t.recurrence IS NULL
      AND NOT EXISTS (SELECT 1 FROM tasks s WHERE s.parent_id = t.id AND s.status IN ${LIVE_LIST})
      AND NOT EXISTS (SELECT 1 FROM task_dependencies d JOIN tasks b ON b.id = d.task_id
        WHERE d.depends_on_id = t.id AND b.status = 'blocked')`,
    extra: sql`, review AS (
      INSERT INTO task_reviews (task_id, reviewer_id, verdict, comment, created_at)
      SELECT id, ${ACTOR}, 'approved', ${p("comment")}::text, ${NOW} FROM updated
    )`,
    messages: sql`
    UNION ALL
    SELECT guild_id, channel_id, id, 'creator_notice',
      jsonb_build_object('taskId', id, 'outcome', status, 'actorId', ${ACTOR}),
      NULL, ${p("messageNonce")}::text, ${NOW}, ${NOW}, ${NOT_SHOWN}
    FROM updated WHERE ${p("creatorNotice")}::boolean`,
  }),
);

const STATEMENTS = { claim: CLAIM, start: START, approve: APPROVE };

/** Writes the transition; undefined when it wrote nothing (the row held or moved on, or a guard above). */
export async function transitionTaskAlone(
  database: Database,
  step: TransitionAlone,
): Promise<{ task: TaskRow; linked: LinkedTasks; clickMark: Marked | undefined } | undefined> {
  const [row] = await retried(() =>
    runPrepared<Record<string, unknown>, TransitionValues>(database, STATEMENTS[step.action], {
      taskId: step.taskId,
      version: step.version,
      from: step.from,
      actorId: step.actorId,
      kind: step.kind,
      source: step.source,
      now: step.now.toISOString(),
      details: JSON.stringify(step.details),
      cardNonce: newNonce(),
      cardDueAt: step.cardDueAt.toISOString(),
      comment: step.comment,
      creatorNotice: step.creatorNotice,
      messageNonce: newNonce(),
      shownOn: step.shownOn,
    }),
  );
  if (!row) return undefined;
  const clickMark = takeClickMark(row, step.shownOn);
  const { parent, dependencies, blocks, subtasks, ...task } = row;
  return {
    task: task as unknown as TaskRow,
    linked: linkedTasksOf({ parent, dependencies, blocks, subtasks }),
    clickMark,
  };
}
