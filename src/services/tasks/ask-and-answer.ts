import { decide } from "../../domain/decide.ts";
import { InvalidTransitionError } from "../../domain/errors.ts";
import { actorInChannel } from "../../domain/roles.ts";
import type { TaskView } from "../../domain/task-view.ts";
import { taskNumber, text as textSchema } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema } from "../../domain/validation/task-inputs.ts";
import { recordAnswer, recordQuestion } from "../../store/attempts.ts";
import { enqueueOutbox } from "../../store/outbox.ts";
import { findTaskWithSettings, updateTask } from "../../store/tasks.ts";
import type { ActionContext } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import { toSettingsView } from "../settings/settings-view.ts";
import { requireWritable } from "../visibility.ts";
import { changeAllowedTask } from "./change-allowed-task.ts";
import { refusalError, staleVersion } from "./explain-refusal.ts";
import { noSuchTask } from "./load-task.ts";
import { recordChange, target } from "./record-change.ts";
import { decisionSettings } from "./transition-task.ts";

/** The question a task waits on, in its metadata while unanswered. */
export interface WaitingQuestion {
  text: string;
  askedBy: string;
  at: string;
  /** What was left of the lease when it paused; the answer gives it back. */
  leaseLeftMs: number | null;
}

export function waitingQuestion(metadata: Record<string, unknown>): WaitingQuestion | null {
  const question = metadata.question as WaitingQuestion | undefined;
  return question && typeof question.text === "string" ? question : null;
}

/** The assignee asks; the creator is told; the lease pauses until the answer. */
export async function askQuestion(
  engine: Engine,
  rawCtx: ActionContext,
  number: number,
  raw: string,
): Promise<TaskView> {
  const question = parseInput(textSchema, raw, "question");
  return changeAllowedTask(engine, rawCtx, number, "ask", async ({ tx, effects, ctx, task, now }) => {
    if (waitingQuestion(task.metadata))
      throw new InvalidTransitionError(`#${task.number} already waits for an answer to its last question.`);
    const leaseLeftMs = task.leaseExpiresAt
      ? Math.max(0, task.leaseExpiresAt.getTime() - now.getTime())
      : null;
    const waiting: WaitingQuestion = {
      text: question,
      askedBy: ctx.actor.userId,
      at: now.toISOString(),
      leaseLeftMs,
    };
    const updated = await updateTask(
      tx,
      task,
      { metadata: { ...task.metadata, question: waiting }, leaseExpiresAt: null },
      now,
    );
    if (!updated) throw new InvalidTransitionError(`#${task.number} changed just now; ask again.`);
    const change = { task: updated, actorId: ctx.actor.userId, source: ctx.source, kind: "question_asked" };
    await recordChange(tx, effects, { ...change, details: { question } }, now);
    await recordQuestion(tx, updated.id, { question, askedBy: ctx.actor.userId }, now);
    const payload = { taskId: updated.id, askerId: ctx.actor.userId, question };
    await enqueueOutbox(tx, target(updated), { kind: "question", payload }, now);
    effects.outbox = true;
  });
}

/**
 * Would the actor be allowed to answer now (the card's Answer button, before its form asks for the
 * text)? Throws the refusal `answer` would give; writes nothing. `answer` decides again in its transaction.
 */
export async function checkAnswer(
  engine: Engine,
  rawCtx: ActionContext,
  number: number,
  expectedVersion?: number,
): Promise<void> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const found = await findTaskWithSettings(engine.db, ctx.guildId, parseInput(taskNumber, number, "number"));
  if (!found) throw noSuchTask(number);
  const { task } = found;
  const rights = requireWritable(ctx, task);
  if (expectedVersion !== undefined && expectedVersion !== task.version)
    throw await staleVersion(engine.db, task, "answer");
  const settings = toSettingsView(found.settings ?? undefined, task.guildId, task.channelId);
  const decision = decide(task, "answer", actorInChannel(ctx.actor, rights), decisionSettings(settings), {
    now: engine.now(),
  });
  if (!decision.ok) throw await refusalError(engine.db, task, "answer", decision);
  if (!waitingQuestion(task.metadata) || !task.assigneeId) throw noQuestion(task.number);
}

function noQuestion(number: number): InvalidTransitionError {
  return new InvalidTransitionError(`#${number} has no question waiting for an answer.`);
}

/** The creator, a reviewer or an admin answers; the assignee is told; the lease resumes. */
export async function answerQuestion(
  engine: Engine,
  rawCtx: ActionContext,
  number: number,
  raw: string,
): Promise<TaskView> {
  const answer = parseInput(textSchema, raw, "text");
  return changeAllowedTask(engine, rawCtx, number, "answer", async ({ tx, effects, ctx, task, now }) => {
    const waiting = waitingQuestion(task.metadata);
    if (!waiting || !task.assigneeId) throw noQuestion(task.number);
    const { question: _, ...metadata } = task.metadata;
    const leaseExpiresAt =
      waiting.leaseLeftMs === null ? null : new Date(now.getTime() + waiting.leaseLeftMs);
    const updated = await updateTask(tx, task, { metadata, leaseExpiresAt }, now);
    if (!updated) throw new InvalidTransitionError(`#${task.number} changed just now; answer again.`);
    const change = { task: updated, actorId: ctx.actor.userId, source: ctx.source, kind: "answered" };
    await recordChange(tx, effects, { ...change, details: { question: waiting.text, answer } }, now);
    await recordAnswer(tx, updated.id, { answer, answeredBy: ctx.actor.userId }, now);
    const payload = {
      taskId: updated.id,
      assigneeId: task.assigneeId,
      answererId: ctx.actor.userId,
      question: waiting.text,
      answer,
    };
    await enqueueOutbox(tx, target(updated), { kind: "answer", payload }, now);
    effects.outbox = true;
  });
}
