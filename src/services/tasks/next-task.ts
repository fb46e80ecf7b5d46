import { AgentAtCapacityError } from "../../domain/errors.ts";
import type { TaskView } from "../../domain/task-view.ts";
import { labels as labelsSchema } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema } from "../../domain/validation/task-inputs.ts";
import { lockAgentWithLoad } from "../../store/agents.ts";
import { claimNextCombined } from "../../store/claim-batch.ts";
import { type ClaimAlone, claimNextAlone, claimNextEligible } from "../../store/queue.ts";
import { changedTaskView } from "../../store/task-views.ts";
import { retried } from "../../store/transaction.ts";
import type { ActionContext } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import { mutate, mutateAlone } from "../mutate.ts";
import { toSettingsView } from "../settings/settings-view.ts";
import { requireSendIn, viewFor } from "../visibility.ts";
import { requireView } from "./load-task.ts";
import { cardDueAt, recordChange } from "./record-change.ts";

/**
 * Hands the caller the first eligible open task of the channel and starts it for them (claim + start),
 * exactly once under any concurrency. A registered agent gets a lease, tasks matching its labels only,
 * and no more than its max concurrent tasks. null when nothing is eligible.
 *
 * One statement on its own (store/queue.ts claimNextAlone), a second one waiting for locked tasks when
 * the first found none free; the locking transaction (nextTaskLocking) only when the same agent's
 * other claim ran at the same moment.
 */
export async function nextTask(
  engine: Engine,
  rawCtx: ActionContext,
  options: { labels?: string[] } = {},
): Promise<TaskView | null> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const wantLabels = parseInput(labelsSchema.optional(), options.labels, "labels") ?? [];
  requireSendIn(ctx, ctx.channelId);
  const now = engine.now();
  const query = {
    guildId: ctx.guildId,
    channelId: ctx.channelId,
    userId: ctx.actor.userId,
    wantLabels,
    now,
    source: ctx.source,
    cardDueAt: cardDueAt(ctx.source, now),
    defaultLeaseMinutes: toSettingsView(undefined, ctx.guildId, ctx.channelId).leaseMinutes,
  };
  const view = await mutateAlone(engine, ctx.guildId, async (effects) => {
    const claim = (mode: "skip" | "wait") =>
      // Concurrent callers of the same channel share one statement (store/queue.ts claimNextCombined).
      mode === "skip" && wantLabels.length === 0
        ? claimNextCombined(engine.database, query)
        : retried(() => claimNextAlone(engine.database, query, mode));
    // Skipping found nothing free: the ready tasks may only be held for a moment (a comment, a card
    // write, another caller's claim), so wait for them rather than answer "queue empty".
    let claimed: ClaimAlone = await claim("skip");
    if (claimed.outcome === "none") claimed = await claim("wait");
    if (claimed.outcome === "full") throw new AgentAtCapacityError(claimed.busy, claimed.maxConcurrent);
    if (claimed.outcome === "contended") return "contended" as const;
    if (claimed.outcome === "none") return null;
    const { task, linked } = claimed;
    effects.outbox = true;
    effects.task(task);
    const view = changedTaskView(task, linked, {
      actorId: ctx.actor.userId,
      kind: "started",
      at: now.toISOString(),
      source: ctx.source,
      dependency: null,
    });
    // The status changed: the views of its parent, subtasks and dependents show it.
    effects.numbers(relativesOf(view));
    return view;
  });
  if (view === "contended") return nextTaskLocking(engine, ctx, wantLabels);
  return view && viewFor(ctx, view);
}

/** `next` as one transaction that locks the agent's row first: its cap counted after the lock. */
async function nextTaskLocking(
  engine: Engine,
  ctx: ActionContext,
  wantLabels: string[],
): Promise<TaskView | null> {
  const userId = ctx.actor.userId;
  const view = await mutate(engine, ctx.guildId, async (tx, effects) => {
    const now = engine.now();
    const found = await lockAgentWithLoad(tx, ctx.guildId, userId, ctx.channelId);
    if (found && found.busy >= found.agent.maxConcurrent)
      throw new AgentAtCapacityError(found.busy, found.agent.maxConcurrent);
    const leaseMinutes = found
      ? (found.leaseMinutes ?? toSettingsView(undefined, ctx.guildId, ctx.channelId).leaseMinutes)
      : 0;
    const leaseExpiresAt = found ? new Date(now.getTime() + leaseMinutes * 60_000) : null;
    const query = {
      guildId: ctx.guildId,
      channelId: ctx.channelId,
      userId,
      agentLabels: found?.agent.labels ?? [],
      wantLabels,
      now,
    };
    // Skipping found nothing free: the ready tasks may only be held for a moment (a comment, a card
    // write, another caller's claim), so wait for them rather than answer "queue empty".
    const claimed =
      (await claimNextEligible(tx, query, "skip", leaseExpiresAt)) ??
      (await claimNextEligible(tx, query, "wait", leaseExpiresAt));
    if (!claimed) return null;
    const { task: updated, previousAssigneeId } = claimed;
    const event = { taskId: updated.id, guildId: updated.guildId, actorId: userId, source: ctx.source };
    const claimedEvent = {
      ...event,
      kind: "claimed",
      fromStatus: "open" as const,
      toStatus: "open" as const,
      details: { assigneeId: userId, via: "next" },
    };
    // The claim (unless it was already theirs), the start with its card row, and the attempt: one statement.
    await recordChange(
      tx,
      effects,
      {
        task: updated,
        actorId: userId,
        source: ctx.source,
        kind: "started",
        from: "open",
        to: "in_progress",
        details: { attempt: updated.attempts + 1, via: "next" },
        rows: {
          earlierEvents: previousAssigneeId !== userId ? [claimedEvent] : [],
          openAttempt: { taskId: updated.id, assigneeId: userId },
        },
      },
      now,
    );
    const view = await requireView(tx, ctx.guildId, updated.number);
    // The status changed: the views of its parent, subtasks and dependents show it (read with the view).
    effects.numbers(relativesOf(view));
    return view;
  });
  return view && viewFor(ctx, view);
}

function relativesOf(view: TaskView): number[] {
  return [
    ...(view.parent ? [view.parent.number] : []),
    ...view.subtasks.map((subtask) => subtask.number),
    ...view.blocks.map((dependent) => dependent.number),
  ];
}
