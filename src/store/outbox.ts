import { randomBytes } from "node:crypto";
import type { Tx } from "./database.ts";
import { outbox } from "./schema.ts";

/**
 * What the task engine asks the delivery dispatcher to send. Rows are written in the same transaction
 * as the change they announce; the dispatcher (src/discord/delivery) renders from the latest state.
 *  - card:         { taskId, version }, coalesce_key `card:<taskId>` — the task's live card, on every change;
 *                  a click that shows `version` on the live card settles it (store/task-messages.ts)
 *  - assignment:   { taskId, assigneeId, attempt } — a task got an assignee to notify (agents parse it)
 *  - announcement: { taskId, kind: "retry" | "dead_letter", text, attempt, maxAttempts, retryAt, reason }
 *                  — an agent attempt failed; `text` says it all, the rest lets a renderer keep the
 *                  reason (user text) apart from the bot's words
 *  - rework:       { taskId, assigneeId, reviewerId, reason, rework, attempt } — sent back to its assignee
 *  - review_request: { taskId, attempt } — a task entered review: its channel's reviewers are told
 *  - creator_notice: { taskId, outcome: "done" | "failed", actorId } — the creator's task is closed
 *  - question:     { taskId, askerId, question } — the assignee asks; the creator is told
 *  - answer:       { taskId, assigneeId, answererId, question, answer } — the assignee is told
 *  - reminder:     { taskId, offsetMinutes, dueAt } — a due date is near (offset > 0 minutes before
 *                  it), here (0) or past (< 0): the assignee is pinged, or the creator named
 *  - thread:       { taskId } — open the thread on the task's card (channels with threads on; task-threads.ts)
 *  - comment:      { taskId, authorId, text } — a comment made outside the task's thread, shown in it
 *  - thread_name:  { taskId } — the task's title changed: its thread is renamed (coalesced per task)
 */
export type OutboxMessage =
  | { kind: "card"; payload: { taskId: number; version: number } }
  | { kind: "assignment"; payload: { taskId: number; assigneeId: string; attempt: number } }
  | { kind: "announcement"; payload: AnnouncementRow }
  | { kind: "rework"; payload: ReworkNotice }
  | { kind: "review_request"; payload: { taskId: number; attempt: number | null } }
  | { kind: "creator_notice"; payload: { taskId: number; outcome: "done" | "failed"; actorId: string } }
  | { kind: "question"; payload: { taskId: number; askerId: string; question: string } }
  | {
      kind: "answer";
      payload: { taskId: number; assigneeId: string; answererId: string; question: string; answer: string };
    }
  | { kind: "reminder"; payload: { taskId: number; offsetMinutes: number; dueAt: string } }
  | { kind: "thread"; payload: { taskId: number } }
  | { kind: "comment"; payload: { taskId: number; authorId: string; text: string } }
  | { kind: "thread_name"; payload: { taskId: number } };

export type AnnouncementRow = {
  taskId: number;
  kind: "retry" | "dead_letter";
  text: string;
  attempt: number;
  maxAttempts: number;
  /** ISO time of the retry; null for a dead letter. */
  retryAt: string | null;
  reason: string | null;
};

export type ReworkNotice = {
  taskId: number;
  assigneeId: string;
  reviewerId: string;
  reason: string;
  /** The task's rework count after this one. */
  rework: number;
  /** The attempt the rework opened. */
  attempt: number;
};

export interface OutboxTarget {
  guildId: string;
  channelId: string;
  taskId: number;
}

const NONCE_BYTES = 12;
/** Random bytes for 256 nonces at a time: one getrandom call instead of one per outbox row. */
const NONCE_POOL_BYTES = NONCE_BYTES * 256;
let noncePool = Buffer.alloc(0);
let nonceOffset = 0;

/** Discord accepts nonces of at most 25 characters; 16 base64url characters carry 96 random bits. */
export function newNonce(): string {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_POOL_BYTES);
    nonceOffset = 0;
  }
  const nonce = noncePool.toString("base64url", nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

/** `notBefore`: hold the message until then (a retry's assignment waits out the backoff). */
export async function enqueueOutbox(
  tx: Tx,
  target: OutboxTarget,
  message: OutboxMessage,
  now: Date,
  notBefore?: Date,
): Promise<void> {
  await tx.insert(outbox).values({
    guildId: target.guildId,
    channelId: target.channelId,
    taskId: target.taskId,
    kind: message.kind,
    payload: message.payload,
    coalesceKey: message.kind === "card" ? `card:${target.taskId}` : null,
    nonce: newNonce(),
    nextAttemptAt: notBefore ?? now,
    createdAt: now,
  });
}
