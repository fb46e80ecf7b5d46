import { cardDepsOf } from "../../src/discord/cards/card-deps.ts";
import { type ClickedCard, showOnClick } from "../../src/discord/cards/show-on-click.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { discordTime, userMention } from "../../src/discord/render/format.ts";
import { STATUS_LABELS } from "../../src/discord/render/status-style.ts";
import { answerEphemeral, deferIfSlow } from "../../src/discord/respond.ts";
import { ConflictError, ForbiddenError, NotFoundError, UserError } from "../../src/domain/errors.ts";
import type { TaskView } from "../../src/domain/task-view.ts";
import type { Marked, TaskHeader } from "../../src/services/contracts.ts";

/** The task a click acts on: the internal id its custom_id names, and its #number in the click's server. */
export type ClickedTask = Pick<TaskHeader, "id" | "number">;

/** The task a t1 custom_id names, refused unless it belongs to the server the click came from. */
export async function resolveClickedTask(ctx: HandlerContext, taskId: number): Promise<TaskHeader> {
  const header = await ctx.services.cards.header(taskId);
  if (!header) throw new NotFoundError("That task no longer exists.");
  if (header.guildId !== ctx.action.guildId) {
    ctx.log.warn(
      { taskId, taskGuildId: header.guildId, guildId: ctx.action.guildId },
      "card click from another server",
    );
    throw new ForbiddenError("That button or form belongs to a task of another server; nothing was changed.");
  }
  return header;
}

/**
 * Runs the click's change against the version the card showed. The card is then updated in place, in
 * the click's own callback when the change is quick (nearly always);
 * if someone else changed the task first, it is refreshed and the actor told what happened.
 */
export async function applyCardChange(
  interaction: ClickedCard,
  ctx: HandlerContext,
  clicked: ClickedTask,
  shownVersion: number,
  change: () => Promise<{ task: TaskView; clickMark?: Marked }>,
): Promise<void> {
  deferIfSlow(interaction, "update");
  try {
    const result = await change();
    await showOnClick(interaction, cardDepsOf(ctx), result.task, reload(ctx), result.clickMark);
  } catch (error) {
    // Refused as already done (e.g. a second Claim), decided on the very version the card shows: the
    // card is up to date, so the refusal is the whole answer (one ephemeral reply, the card untouched).
    if (error instanceof ConflictError && error.currentVersion === shownVersion) throw error;
    if (error instanceof ConflictError) return refreshStaleCard(interaction, ctx, clicked, error.message);
    // Refused because someone else got there first (e.g. already approved): the card is stale too.
    if (error instanceof UserError && (await movedSince(ctx, clicked, shownVersion)))
      return refreshStaleCard(interaction, ctx, clicked, error.message);
    throw error;
  }
}

/**
 * Has the clicked task changed since the card showed `shownVersion`? Only for a task of this server
 * with the click's number: a refused custom_id naming someone else's task learns nothing from it.
 */
async function movedSince(ctx: HandlerContext, clicked: ClickedTask, shownVersion: number): Promise<boolean> {
  const now = await ctx.services.cards.header(clicked.id);
  if (!now || now.guildId !== ctx.action.guildId || now.number !== clicked.number) return false;
  return now.version !== shownVersion;
}

/** The card was out of date: show the current state and say what changed since. */
export async function refreshStaleCard(
  interaction: ClickedCard,
  ctx: HandlerContext,
  clicked: ClickedTask,
  reason?: string,
): Promise<void> {
  const task = await ctx.services.tasks.get(ctx.action, clicked.number);
  await showOnClick(interaction, cardDepsOf(ctx), task, reload(ctx));
  // The card was just updated: this is an ephemeral follow-up, over the interaction's webhook.
  await answerEphemeral(interaction, staleNotice(task, reason));
}

function staleNotice(task: TaskView, reason?: string): string {
  const last = task.lastEvent;
  const what = last
    ? `${last.kind.replaceAll("_", " ")} by ${userMention(last.actorId)} ${discordTime(last.at, "R")}`
    : "it was changed";
  const head = reason ?? `**#${task.number}** changed since this card was shown (${what}).`;
  return `${head} It is now **${STATUS_LABELS[task.status]}**; the card is up to date. Nothing else was changed.`;
}

/** The task's view as it is now (a newer version was recorded on its card meanwhile). */
function reload(ctx: HandlerContext): (task: TaskView) => Promise<TaskView> {
  return (task) => ctx.services.tasks.get(ctx.action, task.number);
}
