import { decide } from "../../domain/decide.ts";
import { actorInChannel } from "../../domain/roles.ts";
import type { DomainAction } from "../../domain/transitions.ts";
import { findChannelSettings } from "../../store/channel-settings.ts";
import type { Tx } from "../../store/database.ts";
import type { TaskRow } from "../../store/schema.ts";
import type { ActionContext } from "../contracts.ts";
import { toSettingsView } from "../settings/settings-view.ts";
import type { ChannelSettingsView } from "../views.ts";
import { requireWritable } from "../visibility.ts";
import { refusalError } from "./explain-refusal.ts";
import { decisionSettings } from "./transition-task.ts";

/**
 * For the actions that change a task's content, not its status (edit, progress, dependencies): the
 * actor's rights in the task's channel, or the refusal the user reads (a task the actor cannot see
 * is unknown to it). Returns the channel's settings.
 */
export async function requireAllowed(
  tx: Tx,
  ctx: ActionContext,
  task: TaskRow,
  action: DomainAction,
  now: Date,
): Promise<ChannelSettingsView> {
  const rights = requireWritable(ctx, task);
  const settings = toSettingsView(
    await findChannelSettings(tx, task.channelId),
    task.guildId,
    task.channelId,
  );
  const decision = decide(task, action, actorInChannel(ctx.actor, rights), decisionSettings(settings), {
    now,
  });
  if (!decision.ok) throw await refusalError(tx, task, action, decision);
  return settings;
}
