import { AgentAtCapacityError } from "../../domain/errors.ts";
import type { TaskView } from "../../domain/task-view.ts";
import { labels as labelsSchema } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema } from "../../domain/validation/task-inputs.ts";
import { countInProgress, lockAgent } from "../../store/agents.ts";
import { findChannelSettings } from "../../store/channel-settings.ts";
import { lockNextEligible } from "../../store/queue.ts";
import { updateTask } from "../../store/tasks.ts";
import type { ActionContext } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import { mutate } from "../mutate.ts";
import { toSettingsView } from "../settings/settings-view.ts";
import { requireSendIn, viewFor } from "../visibility.ts";
import { requireView } from "./load-task.ts";
import { openAttempt } from "./record-attempt.ts";
import { recordChange } from "./record-change.ts";

/**
 * Hands the caller the first eligible open task of the channel and starts it for them (claim + start),
 * exactly once under any concurrency. A registered agent gets a lease, tasks matching its labels only,
 * and no more than its max concurrent tasks. null when nothing is eligible.
 */
export async function nextTask(
  engine: Engine,
  rawCtx: ActionContext,
  options: { labels?: string[] } = {},
): Promise<TaskView | null> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const wantLabels = parseInput(labelsSchema.optional(), options.labels, "labels") ?? [];
  const userId = ctx.actor.userId;
  requireSendIn(ctx, ctx.channelId);
  const view = await mutate(engine, ctx.guildId, async (tx, effects) => {
    const now = engine.now();
    const agent = await lockAgent(tx, ctx.guildId, userId);
    if (agent) {
      const busy = await countInProgress(tx, ctx.guildId, userId);
      if (busy >= agent.maxConcurrent) throw new AgentAtCapacityError(busy, agent.maxConcurrent);
    }
    const query = {
      guildId: ctx.guildId,
      channelId: ctx.channelId,
      userId,
      agentLabels: agent?.labels ?? [],
      wantLabels,
      now,
    };
    // Skipping found nothing free: the ready tasks may only be held for a moment (a comment, a card
    // write, another caller's claim), so wait for them rather than answer "queue empty".
    const task = (await lockNextEligible(tx, query, "skip")) ?? (await lockNextEligible(tx, query, "wait"));
    if (!task) return null;
    const settings = toSettingsView(
      await findChannelSettings(tx, task.channelId),
      task.guildId,
      task.channelId,
    );
    const leaseExpiresAt = agent ? new Date(now.getTime() + settings.leaseMinutes * 60_000) : null;
    const updated = await updateTask(
      tx,
      task,
      {
        status: "in_progress",
        assigneeId: userId,
        startedAt: task.startedAt ?? now,
        nextAttemptAt: null,
        leaseExpiresAt,
      },
      now,
    );
    if (!updated) return null;
    const base = { task: updated, actorId: userId, source: ctx.source };
    if (task.assigneeId !== userId) {
      await recordChange(
        tx,
        effects,
        {
          ...base,
          kind: "claimed",
          from: "open",
          to: "open",
          details: { assigneeId: userId, via: "next" },
          card: false,
        },
        now,
      );
    }
    await openAttempt(tx, updated.id, userId, now);
    await recordChange(
      tx,
      effects,
      {
        ...base,
        kind: "started",
        from: "open",
        to: "in_progress",
        details: { attempt: task.attempts + 1, via: "next" },
        relatives: true,
      },
      now,
    );
    return requireView(tx, ctx.guildId, task.number);
  });
  return view && viewFor(ctx, view);
}
