import { ForbiddenError } from "../domain/errors.ts";
import { type ChannelRights, NO_RIGHTS } from "../domain/roles.ts";
import type { LinkedRef, TaskView } from "../domain/task-view.ts";
import type { ActionContext } from "./contracts.ts";
import { noSuchTask } from "./tasks/load-task.ts";

/** What visibility needs of a task: where it lives and whose it is. */
export interface PlacedTask {
  number: number;
  channelId: string;
  assigneeId: string | null;
}

/**
 * The one rule of who sees a task: View Channel in the task's channel. A mention's answer is posted
 * for everyone in the message's channel, so there it also has to live in that channel, or be the
 * author's own assignment.
 */
export function canSee(ctx: ActionContext, task: PlacedTask): boolean {
  if (!rightsIn(ctx, task.channelId).view) return false;
  if (ctx.source !== "mention") return true;
  return task.channelId === ctx.channelId || task.assigneeId === ctx.actor.userId;
}

/** A task the actor cannot see does not exist for it: the same answer as an unknown number. */
export function requireVisible(ctx: ActionContext, task: PlacedTask): void {
  if (!canSee(ctx, task)) throw noSuchTask(task.number);
}

/** Changing a task also needs Send Messages where it lives. */
export function requireWritable(ctx: ActionContext, task: PlacedTask): ChannelRights {
  requireVisible(ctx, task);
  const rights = rightsIn(ctx, task.channelId);
  if (!rights.send) {
    throw new ForbiddenError(
      `You can't send messages in <#${task.channelId}>, so you can't change #${task.number} there.`,
    );
  }
  return rights;
}

/** Creating (or taking work) in a channel needs View and Send Messages there. */
export function requireSendIn(ctx: ActionContext, channelId: string): void {
  const rights = rightsIn(ctx, channelId);
  if (!rights.view || !rights.send) {
    throw new ForbiddenError(
      `You can't send messages in <#${channelId}>, so Tasklane can't act for you there.`,
    );
  }
}

/** Referencing a task (as parent or dependency) needs the rights to change it. */
export const requireReferable = requireWritable;

/** Rights as the Discord layer computed them; a malformed answer counts as none. */
export function rightsIn(ctx: ActionContext, channelId: string): ChannelRights {
  const rights = ctx.actor.in(channelId);
  return rights ?? NO_RIGHTS;
}

/** The channels a server-wide read may look at: null for all (Tasklane's own jobs). */
export function viewableChannels(ctx: ActionContext): readonly string[] | null {
  const ids = ctx.actor.viewableChannelIds();
  if (ids === "all") return null;
  if (ctx.source === "mention") return ids.filter((id) => id === ctx.channelId);
  return ids;
}

/** One channel's tasks: all of them if the actor can see the channel, else none (as an empty channel). */
export function channelScope(ctx: ActionContext, channelId: string): readonly string[] | null {
  const visible = rightsIn(ctx, channelId).view && (ctx.source !== "mention" || channelId === ctx.channelId);
  return visible ? null : [];
}

/** The view as this actor may read it: related tasks in channels it cannot see keep only their number. */
export function viewFor(ctx: ActionContext, view: TaskView): TaskView {
  return redactRefs(
    view,
    (channelId) =>
      rightsIn(ctx, channelId).view &&
      (ctx.source !== "mention" || channelId === ctx.channelId || channelId === view.channelId),
  );
}

/** Replaces every related task whose channel fails `visible` with its bare number. */
export function redactRefs(view: TaskView, visible: (channelId: string) => boolean): TaskView {
  const redact = (ref: LinkedRef): LinkedRef =>
    ref.hidden || !ref.channelId || !visible(ref.channelId) ? { number: ref.number, hidden: true } : ref;
  return {
    ...view,
    parent: view.parent ? redact(view.parent) : null,
    dependencies: view.dependencies.map(redact),
    blocks: view.blocks.map(redact),
    subtasks: view.subtasks.map(redact),
  };
}
