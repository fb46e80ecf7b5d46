import { retryDelayMs } from "../../domain/backoff.ts";
import { AgentAtCapacityError, QueueLimitError } from "../../domain/errors.ts";
import { isLive, type TaskStatus } from "../../domain/task-states.ts";
import type { TransitionAction } from "../../domain/transitions.ts";
import { ruleOf, TRANSITIONS } from "../../domain/transitions.ts";
import type { Evidence } from "../../domain/validation/evidence.ts";
import { lockAgentWithLoad } from "../../store/agents.ts";
import { closeAttempt, findLatestAttempt } from "../../store/attempts.ts";
import { lockChannelSettings } from "../../store/channel-settings.ts";
import type { Tx } from "../../store/database.ts";
import type { ChangeMessage, ChangeRows } from "../../store/events.ts";
import type { OutboxMessage } from "../../store/outbox.ts";
import { armTaskReminders } from "../../store/reminders.ts";
import type { TaskRow } from "../../store/schema.ts";
import { type LinkedTasks, selectLinkedTasks } from "../../store/task-views.ts";
import { countLiveTasks, type TaskPatch, updateTask } from "../../store/tasks.ts";
import { requireAgentRoom } from "../agents/require-room.ts";
import type { ActionContext } from "../contracts.ts";
import type { Effects } from "../effects.ts";
import type { Engine } from "../engine.ts";
import type { ChannelSettingsView } from "../views.ts";
import { continueSeries } from "./continue-series.ts";
import { endAttempt, openAttempt } from "./record-attempt.ts";
import { recordChange, target } from "./record-change.ts";
import { unblockDependents } from "./unblock-dependents.ts";

/** An allowed transition, decided on the row as read (transition-task.ts), ready to be written. */
export interface Decided {
  ctx: ActionContext;
  task: TaskRow;
  settings: ChannelSettingsView;
  action: TransitionAction;
  text: string | undefined;
  assigneeId: string | undefined;
  /** submit's validated evidence block. */
  evidence: Evidence | undefined;
  now: Date;
  /** Runs under the row lock, right after the version-checked update, on the relatives read then. */
  recheck(tx: Tx, linked: LinkedTasks): Promise<void>;
}

/**
 * What a written transition hands back: the row, its relatives as read under the lock, the tasks it
 * unblocked, and the number of the next occurrence it created (a recurring task closed), if any.
 */
export interface Applied {
  updated: TaskRow;
  linked: LinkedTasks;
  unblocked: number[];
  next: number | null;
}

interface Plan {
  patch: TaskPatch;
  details?: Record<string, unknown>;
  /** What goes with the change, after the task row: its statements (attempts), and rows for `rows`. */
  after?: (updated: TaskRow) => void | Promise<void>;
}

/** The row changed between the read and the version-checked write (or a recheck under its lock failed). */
export class RowChanged extends Error {
  constructor() {
    super("the task changed during the transition");
  }
}

const minutesFrom = (now: Date, minutes: number) => new Date(now.getTime() + minutes * 60_000);

/**
 * Writes an allowed transition: the row (version-checked), its relatives read under the lock (the
 * recheck, the views to drop, the returned view), then the event with every row that goes with it in
 * one statement, and its consequences (dependents unblocked, only when there are blocked ones).
 */
export async function applyTransition(
  tx: Tx,
  engine: Engine,
  effects: Effects,
  d: Decided,
  to: TaskStatus,
): Promise<Applied> {
  const { task, ctx, now } = d;
  const rows: ChangeRowsDraft = { messages: [] };
  const plan = await planFor(tx, engine, effects, d, to, rows);
  // A question waits only while the task is in progress: any way out of it drops the question.
  if (to !== "in_progress" && "question" in (plan.patch.metadata ?? task.metadata)) {
    const { question: _, ...metadata } = plan.patch.metadata ?? task.metadata;
    plan.patch.metadata = metadata;
  }
  const updated = await updateTask(tx, task, { ...plan.patch, status: to }, now);
  if (!updated) throw new RowChanged();
  const linked = await selectLinkedTasks(tx, updated.id);
  await d.recheck(tx, linked);
  const continues = ruleOf(d.action).continuesSeries && !isLive(to);
  const next = continues ? await continueSeries(tx, effects, ctx, updated, now) : null;
  await plan.after?.(updated);
  await tellWhoWaits(tx, rows, d, updated);
  await recordChange(
    tx,
    effects,
    {
      task: updated,
      actorId: ctx.actor.userId,
      source: ctx.source,
      kind: TRANSITIONS[d.action].eventKind,
      from: task.status,
      to,
      details: next === null ? plan.details : { ...plan.details, next },
      relatives: to !== task.status,
      relativeNumbers: [
        ...(linked.parent ? [linked.parent.number] : []),
        ...linked.subtasks.map((subtask) => subtask.number),
        ...linked.blocks.map((dependent) => dependent.number),
      ],
      rows,
    },
    now,
  );
  // Only a channel with a limit keeps a counter of its live tasks.
  if (d.settings.queueLimit !== null && isLive(task.status) !== isLive(to))
    effects.gateRecount.add(task.channelId);
  const unblocked =
    to === "done" && linked.blocks.some((dependent) => dependent.status === "blocked")
      ? await unblockDependents(tx, effects, ctx, updated, now)
      : [];
  return { updated, linked, unblocked, next };
}

/** The outbox rows and the review a transition collects, written with its event (record-change.ts). */
interface ChangeRowsDraft {
  messages: ChangeMessage[];
  review?: ChangeRows["review"];
  openAttempt?: ChangeRows["openAttempt"];
}

/** What a planner gets: the decided transition and the helpers its follow-up rows use. */
interface PlanInput {
  tx: Tx;
  engine: Engine;
  effects: Effects;
  d: Decided;
  to: TaskStatus;
  actorId: string;
  /** Rows written with the change's event: outbox messages and a review. */
  rows: ChangeRowsDraft;
  /** Queues an outbox message about the task (due at `notBefore` when given), written with the event. */
  send(updated: TaskRow, message: OutboxMessage, notBefore?: Date): void;
  /** Queues the assignment message to `assigneeId` (due at `notBefore` when given). */
  notify(updated: TaskRow, assigneeId: string, notBefore?: Date): void;
}

type Planner = (input: PlanInput) => Plan | Promise<Plan>;

/** What each transition writes besides its status: one planner per action of the table. */
const PLANS: Record<TransitionAction, Planner> = {
  claim: ({ actorId }) => ({ patch: { assigneeId: actorId }, details: { assigneeId: actorId } }),
  assign: async ({ tx, d, actorId, notify }) => {
    const assigneeId = d.assigneeId!;
    await requireAgentRoom(tx, d.task.guildId, assigneeId);
    return {
      patch: { assigneeId },
      details: { assigneeId, previousAssigneeId: d.task.assigneeId },
      after: (updated) => (assigneeId === actorId ? undefined : notify(updated, assigneeId)),
    };
  },
  unassign: ({ d }) => ({ patch: { assigneeId: null }, details: { previousAssigneeId: d.task.assigneeId } }),
  start: async ({ tx, rows, d: { task, now, settings }, actorId }) => {
    const found = await lockAgentWithLoad(tx, task.guildId, actorId, task.channelId);
    if (found && found.busy >= found.agent.maxConcurrent)
      throw new AgentAtCapacityError(found.busy, found.agent.maxConcurrent);
    const leaseExpiresAt = found ? minutesFrom(now, settings.leaseMinutes) : null;
    return {
      patch: { startedAt: task.startedAt ?? now, nextAttemptAt: null, leaseExpiresAt },
      details: { attempt: task.attempts + 1 },
      after: (updated) => {
        rows.openAttempt = { taskId: updated.id, assigneeId: actorId };
      },
    };
  },
  submit: ({ tx, d: { task, now, text, evidence }, to }) => {
    const summary = text || evidence?.summary || null;
    return {
      patch: { submittedAt: now, leaseExpiresAt: null, completedAt: to === "done" ? now : null },
      details: {
        note: summary,
        evidence: evidence ? true : undefined,
        reviewSkipped: to === "done" ? true : undefined,
      },
      after: async () => {
        await endAttempt(tx, task, { outcome: "submitted", summary, result: evidence ?? null }, now);
      },
    };
  },
  approve: ({ rows, d: { now, text }, actorId }) => ({
    patch: { completedAt: now },
    details: { comment: text },
    after: (updated) => {
      rows.review = { taskId: updated.id, reviewerId: actorId, verdict: "approved", comment: text || null };
    },
  }),
  request_rework: async ({ tx, rows, send, d: { task, now, text }, actorId }) => ({
    // No lease until the rework message reaches the agent: its sender starts it (it may wait in the outbox).
    patch: { reworkCount: task.reworkCount + 1, leaseExpiresAt: null },
    details: { reason: text },
    after: async (updated) => {
      rows.review = { taskId: updated.id, reviewerId: actorId, verdict: "changes_requested", comment: text! };
      if (!updated.assigneeId) return;
      const attempt = await openAttempt(tx, updated.id, updated.assigneeId, now);
      const payload = {
        taskId: updated.id,
        assigneeId: updated.assigneeId,
        reviewerId: actorId,
        reason: text!,
        rework: updated.reworkCount,
        attempt: attempt.attempt,
      };
      send(updated, { kind: "rework", payload });
    },
  }),
  release: ({ tx, d: { task, text, now } }) => ({
    patch: { assigneeId: null, leaseExpiresAt: null },
    details: { note: text, previousAssigneeId: task.assigneeId },
    after: async () => {
      await endAttempt(tx, task, { outcome: "released", error: text || null }, now);
    },
  }),
  fail: (input) => planFailure(input),
  block: ({ d: { task, text } }) => ({
    patch: { metadata: { ...task.metadata, blockReason: text }, leaseExpiresAt: null },
    details: { reason: text },
  }),
  unblock: ({ d: { task, text } }) => {
    const { blockReason: _, ...metadata } = task.metadata;
    return { patch: { metadata }, details: { reason: text } };
  },
  cancel: (input) => planCancel(input),
  skip: (input) => planCancel(input),
  reopen: async ({ tx, d, d: { task, text }, actorId, notify }) => {
    await checkQueueLimit(tx, task);
    return {
      patch: {
        completedAt: null,
        submittedAt: null,
        startedAt: null,
        attempts: 0,
        nextAttemptAt: null,
        leaseExpiresAt: null,
      },
      details: { reason: text },
      after: async (updated) => {
        await armTaskReminders(tx, updated, d.now);
        if (updated.assigneeId && updated.assigneeId !== actorId) notify(updated, updated.assigneeId);
      },
    };
  },
};

/** Cancel ends a task (and a recurring one's series); skip cancels this occurrence only (continueSeries). */
function planCancel({ tx, d: { text, now } }: PlanInput): Plan {
  return {
    patch: { leaseExpiresAt: null, nextAttemptAt: null },
    details: { reason: text },
    after: async (updated) => {
      await closeAttempt(tx, updated.id, { outcome: "released", error: "cancelled" }, now);
    },
  };
}

function planFor(
  tx: Tx,
  engine: Engine,
  effects: Effects,
  d: Decided,
  to: TaskStatus,
  rows: ChangeRowsDraft,
): Plan | Promise<Plan> {
  const send = (updated: TaskRow, message: OutboxMessage, notBefore?: Date) => {
    rows.messages.push({ target: target(updated), message, notBefore });
  };
  return PLANS[d.action]({
    tx,
    engine,
    effects,
    d,
    to,
    actorId: d.ctx.actor.userId,
    rows,
    send,
    notify: (updated, assigneeId, notBefore) => {
      const payload = { taskId: updated.id, assigneeId, attempt: updated.attempts + 1 };
      send(updated, { kind: "assignment", payload }, notBefore);
    },
  });
}

/** An attempt failed: count it; retry after a backoff with the same assignee, or dead-letter. */
function planFailure({ tx, engine, d, to, send, notify }: PlanInput): Plan {
  const { task, now, text, settings } = d;
  const failures = task.attempts + 1;
  const retryAt =
    to === "open" ? new Date(now.getTime() + retryDelayMs(failures, engine.retry, engine.random)) : null;
  const why = text ? `: ${text.replace(/[.!?]+$/, "")}.` : ".";
  const announcement =
    retryAt !== null
      ? `Attempt ${failures} of ${settings.maxAttempts} on #${task.number} failed${why} Retrying <t:${Math.ceil(retryAt.getTime() / 1000)}:R>.`
      : `#${task.number} failed ${failures} of ${settings.maxAttempts} attempts${why} It is now in the dead-letter state; a reviewer can reopen it.`;
  return {
    patch: { attempts: failures, leaseExpiresAt: null, nextAttemptAt: retryAt },
    details: {
      reason: text,
      attempt: failures,
      maxAttempts: settings.maxAttempts,
      retryAt: retryAt?.toISOString(),
    },
    after: async (updated) => {
      const outcome = d.ctx.source === "system" ? "expired" : "failed";
      await endAttempt(tx, task, { outcome, error: text || null }, now);
      const kind = retryAt !== null ? "retry" : "dead_letter";
      send(updated, {
        kind: "announcement",
        payload: {
          taskId: updated.id,
          kind,
          text: announcement,
          attempt: failures,
          maxAttempts: settings.maxAttempts,
          retryAt: retryAt?.toISOString() ?? null,
          reason: text ?? null,
        },
      });
      if (retryAt !== null && updated.assigneeId) notify(updated, updated.assigneeId, retryAt);
    },
  };
}

/**
 * Reviewers hear when a task enters review; its creator when it is done or failed (unless they
 * closed it themselves). How — ping, name, or nothing — is the channel's notify-* setting.
 */
async function tellWhoWaits(tx: Tx, rows: ChangeRowsDraft, d: Decided, updated: TaskRow): Promise<void> {
  const { settings, ctx } = d;
  const send = (message: OutboxMessage) => rows.messages.push({ target: target(updated), message });
  if (updated.status === "in_review" && d.task.status !== "in_review" && settings.notifyReviewers !== "off") {
    const attempt = await findLatestAttempt(tx, updated.id);
    const payload = { taskId: updated.id, attempt: attempt?.attempt ?? null };
    send({ kind: "review_request", payload });
  }
  const closed = updated.status === "done" || updated.status === "failed";
  if (closed && settings.notifyCreator !== "off" && updated.createdBy !== ctx.actor.userId) {
    const payload = {
      taskId: updated.id,
      outcome: updated.status as "done" | "failed",
      actorId: ctx.actor.userId,
    };
    send({ kind: "creator_notice", payload });
  }
}

/** Reopening makes a task live again: the channel's limit holds, under the same lock creates take. */
async function checkQueueLimit(tx: Tx, task: TaskRow): Promise<void> {
  const settings = await lockChannelSettings(tx, task.guildId, task.channelId);
  if (settings.queueLimit === null) return;
  const live = await countLiveTasks(tx, task.channelId);
  if (live >= settings.queueLimit) throw new QueueLimitError(live, settings.queueLimit);
}
