import type { ModalSubmitInteraction } from "discord.js";
import type { CustomId } from "../../src/discord/custom-id.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { modalText } from "../../src/discord/modal-fields.ts";
import { UserError } from "../../src/domain/errors.ts";
import { REWORK_REASON_FIELD } from "./card-button.ts";
import { applyCardChange, refreshStaleCard, resolveClickedTask } from "./card-clicks.ts";

/** The Request rework form: sends the task back with the reason, against the version the card showed. */
export async function run(
  interaction: ModalSubmitInteraction,
  id: Extract<CustomId, { kind: "rework_modal" }>,
  ctx: HandlerContext,
): Promise<void> {
  const header = await resolveClickedTask(ctx, id.taskId);
  // The service decides first: to whom it may not see, a forged form names an unknown task.
  await ctx.services.tasks.checkTransition(ctx.action, { number: header.number, action: "request_rework" });
  if (!interaction.isFromMessage()) throw new UserError("That form must be opened from a task card.");
  if (header.version !== id.version) return refreshStaleCard(interaction, ctx, header);
  const reason = modalText(interaction, REWORK_REASON_FIELD);
  await applyCardChange(interaction, ctx, header, id.version, () =>
    ctx.services.tasks.transition(ctx.action, {
      number: header.number,
      action: "request_rework",
      expectedVersion: id.version,
      text: reason,
    }),
  );
}
