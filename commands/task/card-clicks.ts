import { type ButtonInteraction, MessageFlags, type ModalMessageModalSubmitInteraction } from "discord.js";
import { cardDepsOf } from "../../src/discord/cards/card-deps.ts";
import { renderCardFor } from "../../src/discord/cards/refresh.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { discordTime, userMention } from "../../src/discord/render/format.ts";
import { STATUS_LABELS } from "../../src/discord/render/status-style.ts";
import { deferComponentUpdate, messageBody } from "../../src/discord/respond.ts";
import { ConflictError, ForbiddenError, NotFoundError, UserError } from "../../src/domain/errors.ts";
import type { TaskHeader } from "../../src/services/services.ts";
import type { TaskView } from "../../src/services/types.ts";

/** A click on a card: a button, or the Request rework form opened from one. */
export type CardInteraction = ButtonInteraction | ModalMessageModalSubmitInteraction;

/** The task a custom_id names, refused unless it belongs to the server the click came from. */
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
 * Runs the click's change against the version the card showed. The card is then updated in place;
 * if someone else changed the task first, it is refreshed and the actor told what happened.
 */
export async function applyCardChange(
  interaction: CardInteraction,
  ctx: HandlerContext,
  header: TaskHeader,
  shownVersion: number,
  change: () => Promise<{ task: TaskView; alsoChanged: TaskView[] }>,
): Promise<void> {
  await deferComponentUpdate(interaction);
  try {
    const result = await change();
    await showCard(interaction, ctx, result.task);
  } catch (error) {
    if (error instanceof ConflictError) return refreshStaleCard(interaction, ctx, header, error.message);
    // Refused because someone else got there first (e.g. already approved): the card is stale too.
    if (error instanceof UserError && (await ctx.services.cards.header(header.id))?.version !== shownVersion)
      return refreshStaleCard(interaction, ctx, header, error.message);
    throw error;
  }
}

/**
 * The clicked message shows `task` at once. On the live card the version is recorded before the edit
 * (so the dispatcher's edit for the same change finds the card current) and checked after it: if a
 * newer version was recorded meanwhile, this edit may have landed last, so the newest is shown again.
 */
async function showCard(interaction: CardInteraction, ctx: HandlerContext, task: TaskView): Promise<void> {
  const { cards } = ctx.services;
  const messageId = interaction.message.id;
  let shown = task;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const recorded = await cards.markRendered(shown.id, messageId, shown.version);
    if (recorded === "newer") {
      shown = await ctx.services.tasks.get(shown.guildId, shown.number);
      continue;
    }
    await interaction.editReply(messageBody(await renderCardFor(cardDepsOf(ctx), shown)));
    if (recorded === "not_live" || !(await cards.supersededWhileSending(shown.id, shown.version))) return;
    shown = await ctx.services.tasks.get(shown.guildId, shown.number);
  }
}

/** The card was out of date: show the current state and say what changed since. */
export async function refreshStaleCard(
  interaction: CardInteraction,
  ctx: HandlerContext,
  header: TaskHeader,
  reason?: string,
): Promise<void> {
  if (!interaction.deferred && !interaction.replied) await deferComponentUpdate(interaction);
  const task = await ctx.services.tasks.get(header.guildId, header.number);
  await showCard(interaction, ctx, task);
  await interaction.followUp({
    ...messageBody({ content: staleNotice(task, reason) }),
    flags: MessageFlags.Ephemeral,
  });
}

function staleNotice(task: TaskView, reason?: string): string {
  const last = task.lastEvent;
  const what = last
    ? `${last.kind.replaceAll("_", " ")} by ${userMention(last.actorId)} ${discordTime(last.at, "R")}`
    : "it was changed";
  const head = reason ?? `**#${task.number}** changed since this card was shown (${what}).`;
  return `${head} It is now **${STATUS_LABELS[task.status]}**; the card is up to date. Nothing else was changed.`;
}
