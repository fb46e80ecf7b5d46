import { sql } from "drizzle-orm";
import { decide } from "../../domain/decide.ts";
import { actorInChannel } from "../../domain/roles.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema } from "../../domain/validation/task-inputs.ts";
import { inChannels } from "../../store/channel-filter.ts";
import { selectTaskViews } from "../../store/task-views.ts";
import type { ActionContext } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import { readChannelSettings } from "../settings/settings-view.ts";
import type { ChannelSettingsView, ReviewQueueItem } from "../views.ts";
import { canSee, rightsIn, viewableChannels, viewFor } from "../visibility.ts";
import { decisionSettings } from "./transition-task.ts";

/** Tasks in review read per call; the answer lists the first `limit` the actor may decide. */
const SCAN = 200;

/**
 * `/tasks reviews`: the server's tasks in review that the actor may decide (the same rule as the
 * Approve button: View and Send Messages in the task's channel, a reviewer there, not their own work
 * unless self-review is allowed), oldest submission first. Tasks the actor cannot see are left out.
 */
export async function reviewQueue(
  engine: Engine,
  rawCtx: ActionContext,
  limit = 25,
): Promise<ReviewQueueItem[]> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const tasks = await selectTaskViews(
    engine.db,
    sql`t.guild_id = ${ctx.guildId} AND t.status = 'in_review' AND ${inChannels(viewableChannels(ctx))}`,
    {
      order: sql`t.submitted_at NULLS FIRST, t.id`,
      limit: SCAN,
    },
  );
  const settingsOf = new Map<string, Promise<ChannelSettingsView>>();
  const items: ReviewQueueItem[] = [];
  for (const task of tasks) {
    const rights = rightsIn(ctx, task.channelId);
    if (!canSee(ctx, task) || !rights.send) continue;
    if (!settingsOf.has(task.channelId))
      settingsOf.set(task.channelId, readChannelSettings(engine, task.guildId, task.channelId));
    const settings = await settingsOf.get(task.channelId)!;
    const actor = actorInChannel(ctx.actor, rights);
    const decision = decide({ ...task, nextAttemptAt: null }, "approve", actor, decisionSettings(settings), {
      liveSubtasks: [],
    });
    if (!decision.ok) continue;
    items.push({
      task: viewFor(ctx, task),
      submittedBy: task.submission?.assigneeId ?? task.assigneeId,
      submittedAt: task.submittedAt,
    });
    if (items.length >= limit) break;
  }
  return items;
}
