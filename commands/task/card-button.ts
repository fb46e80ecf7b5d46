import { type ButtonInteraction, ComponentType, TextInputStyle } from "discord.js";
import { type CustomId, encodeCustomId } from "../../src/discord/custom-id.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { fitModalTitle } from "../../src/discord/render/limits.ts";
import { actionOfCardButton } from "../../src/domain/transitions.ts";
import { applyCardChange, refreshStaleCard, resolveClickedTask } from "./card-clicks.ts";

export const REWORK_REASON_FIELD = "reason";

/** Claim, Start, Submit for review / Mark done, Release, Approve, Request rework, Unblock, Reopen. */
export async function run(
  interaction: ButtonInteraction,
  id: Extract<CustomId, { kind: "card" }>,
  ctx: HandlerContext,
): Promise<void> {
  const header = await resolveClickedTask(ctx, id.taskId);
  if (header.version !== id.version) return refreshStaleCard(interaction, ctx, header);
  const action = actionOfCardButton(id.action);
  if (action === "request_rework") {
    // Refuse a non-reviewer before asking for a reason, not after they typed one.
    await ctx.services.tasks.checkTransition(ctx.action, {
      number: header.number,
      action,
      expectedVersion: id.version,
    });
    return openReworkForm(interaction, header.number, id);
  }
  await applyCardChange(interaction, ctx, header, id.version, () =>
    ctx.services.tasks.transition(ctx.action, { number: header.number, action, expectedVersion: id.version }),
  );
}

/** A reason is required to send work back; the form carries the version the card showed. */
async function openReworkForm(
  interaction: ButtonInteraction,
  number: number,
  id: { taskId: number; version: number },
): Promise<void> {
  await interaction.showModal({
    custom_id: encodeCustomId({ kind: "rework_modal", taskId: id.taskId, version: id.version }),
    title: fitModalTitle(`Request rework on #${number}`),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: REWORK_REASON_FIELD,
            label: "Reason",
            style: TextInputStyle.Paragraph,
            required: true,
            min_length: 1,
            max_length: 1000,
            placeholder: "What needs to change?",
          },
        ],
      },
    ],
  });
}
