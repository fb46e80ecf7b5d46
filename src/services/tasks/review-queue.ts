import { sql } from "drizzle-orm";
import { decide } from "../../domain/decide.ts";
import { actorInChannel, isAdmin, isReviewer } from "../../domain/roles.ts";
import type { TaskView } from "../../domain/task-view.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema } from "../../domain/validation/task-inputs.ts";
import { inChannels } from "../../store/channel-filter.ts";
import { findChannelsReviewedBy } from "../../store/channel-settings.ts";
import { selectTaskViews } from "../../store/task-views.ts";
import type { ActionContext } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import { readChannelSettings } from "../settings/settings-view.ts";
import type { ChannelSettingsView, ReviewQueueItem } from "../views.ts";
import { canSee, rightsIn, viewableChannels, viewFor } from "../visibility.ts";
import { decisionSettings } from "./transition-task.ts";

/** Tasks in review read per call, at most, a batch at a time: the answer lists the first `limit` the actor may decide. */
const SCAN = 200;
const BATCH = 50;

/**
 * `/tasks reviews`: the server's tasks in review that the actor may decide (the same rule as the
 * Approve button: View and Send Messages in the task's channel, a reviewer there, not their own work
 * unless self-review is allowed), oldest submission first (tasks_review_queue_idx walks that order).
 * Tasks the actor cannot see are left out. Only the channels where the actor may decide are read (an actor
 * who reviews nowhere costs one small query), and the same decision then checks each task.
 */
export async function reviewQueue(
  engine: Engine,
  rawCtx: ActionContext,
  limit = 25,
): Promise<ReviewQueueItem[]> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const channels = await decidingChannels(engine, ctx);
  if (channels !== null && channels.length === 0) return [];
  const where = sql`t.guild_id = ${ctx.guildId} AND t.status = 'in_review' AND ${inChannels(channels)}`;
  const settingsOf = new Map<string, Promise<ChannelSettingsView>>();
  const items: ReviewQueueItem[] = [];
  for (let offset = 0; offset < SCAN && items.length < limit; offset += BATCH) {
    const tasks = await selectTaskViews(engine.db, where, {
      order: sql`t.submitted_at NULLS FIRST, t.id`,
      limit: BATCH,
      offset,
    });
    for (const task of tasks) {
      if (items.length >= limit) break;
      const item = await decidable(engine, ctx, settingsOf, task);
      if (item) items.push(item);
    }
    if (tasks.length < BATCH) break;
  }
  return items;
}

/**
 * The visible channels where the actor may send and is a reviewer (by its rights there, or the channel's
 * reviewer role); null: every channel (an actor with the same rights everywhere, such as Tasklane's own).
 */
async function decidingChannels(engine: Engine, ctx: ActionContext): Promise<readonly string[] | null> {
  // Manage Server or Administrator reviews in every channel, so no reviewer role needs looking up.
  const byRole = new Set(
    isAdmin(ctx.actor) ? [] : await findChannelsReviewedBy(engine.db, ctx.guildId, ctx.actor.roleIds),
  );
  const decidesIn = (channelId: string) => {
    const rights = rightsIn(ctx, channelId);
    if (!rights.view || !rights.send) return false;
    return byRole.has(channelId) || isReviewer(actorInChannel(ctx.actor, rights), { reviewerRoleId: null });
  };
  const visible = viewableChannels(ctx);
  if (visible === null) return decidesIn(ctx.channelId) ? null : [...byRole].filter(decidesIn);
  return visible.filter(decidesIn);
}

/** The task as an item of the actor's queue, or null when the actor may not decide it. */
async function decidable(
  engine: Engine,
  ctx: ActionContext,
  settingsOf: Map<string, Promise<ChannelSettingsView>>,
  task: TaskView,
): Promise<ReviewQueueItem | null> {
  const rights = rightsIn(ctx, task.channelId);
  if (!canSee(ctx, task) || !rights.send) return null;
  if (!settingsOf.has(task.channelId))
    settingsOf.set(task.channelId, readChannelSettings(engine, task.guildId, task.channelId));
  const settings = await settingsOf.get(task.channelId)!;
  const actor = actorInChannel(ctx.actor, rights);
  const decision = decide({ ...task, nextAttemptAt: null }, "approve", actor, decisionSettings(settings), {
    liveSubtasks: [],
  });
  if (!decision.ok) return null;
  return {
    task: viewFor(ctx, task),
    submittedBy: task.submission?.assigneeId ?? task.assigneeId,
    submittedAt: task.submittedAt,
  };
}
