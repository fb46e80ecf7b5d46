import type { ButtonInteraction } from "discord.js";
import type { CustomId } from "../../src/discord/custom-id.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { cardButtonOf } from "../../src/domain/card-buttons.ts";
import { isTransitionAction } from "../../src/domain/transitions.ts";
import { applyCardChange, refreshStaleCard, resolveClickedTask } from "./card-clicks.ts";
import { checkCardAction, openCardForm } from "./card-form.ts";

/**
 * Claim, Start, Submit for review / Mark done, Release, Approve, Unblock, Reopen act at once; Request
 * rework, Submit with a note and Answer open their form (card-form.ts) — the table says which. A
 * form's button, and any button of a card posted before custom_ids carried the number (t1), first
 * looks its task up by id (resolveClickedTask).
 */
export async function run(
  interaction: ButtonInteraction,
  id: Extract<CustomId, { kind: "card" }>,
  ctx: HandlerContext,
): Promise<void> {
  const { action, button } = cardButtonOf(id.action);
  if (id.number !== null && !button.form && isTransitionAction(action)) {
    // A t2 card names #number: the change reads it in this server and refuses it unless it is taskId.
    const clicked = { id: id.taskId, number: id.number };
    return applyCardChange(interaction, ctx, clicked, id.version, () =>
      ctx.services.tasks.transition(ctx.action, {
        number: clicked.number,
        taskId: clicked.id,
        action,
        expectedVersion: id.version,
        shownOn: interaction.message.id,
      }),
    );
  }
  const header = await resolveClickedTask(ctx, id.taskId);
  if (header.version !== id.version) return refreshStaleCard(interaction, ctx, header);
  if (button.form) {
    // Refuse someone who may not before asking for text, not after they typed it.
    await checkCardAction(ctx, action, header.number, id.version);
    return openCardForm(interaction, ctx, header, button.form, action);
  }
  if (!isTransitionAction(action))
    throw new Error(`the ${button.id} button has neither a form nor a transition`);
  await applyCardChange(interaction, ctx, header, id.version, () =>
    ctx.services.tasks.transition(ctx.action, {
      number: header.number,
      action,
      expectedVersion: id.version,
      shownOn: interaction.message.id,
    }),
  );
}
