import {
  type ButtonInteraction,
  ComponentType,
  type ModalSubmitInteraction,
  TextInputStyle,
} from "discord.js";
import { type CustomId, encodeCustomId } from "../../src/discord/custom-id.ts";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { modalText } from "../../src/discord/modal-fields.ts";
import { fitModalTitle, truncate } from "../../src/discord/render/limits.ts";
import { type CardButtonAction, type CardFormOf, cardFormOf } from "../../src/domain/card-buttons.ts";
import { UserError } from "../../src/domain/errors.ts";
import type { TaskView } from "../../src/domain/task-view.ts";
import { isTransitionAction } from "../../src/domain/transitions.ts";
import type { TaskHeader } from "../../src/services/contracts.ts";
import { applyCardChange, refreshStaleCard, resolveClickedTask } from "./card-clicks.ts";

/** Discord's limit on a text input's placeholder. */
const PLACEHOLDER_MAX = 100;

/**
 * Would the actor be allowed the action a form asks for? Asked before the form opens (nobody types a
 * reason only to be refused) and again when it is sent; the service decides once more when acting.
 */
export async function checkCardAction(
  ctx: HandlerContext,
  action: CardButtonAction,
  number: number,
  expectedVersion?: number,
): Promise<void> {
  if (action === "answer") return ctx.services.tasks.checkAnswer(ctx.action, number, expectedVersion);
  await ctx.services.tasks.checkTransition(ctx.action, { number, action, expectedVersion });
}

/** Opens the button's form; the modal's custom_id carries the version the card showed. */
export async function openCardForm(
  interaction: ButtonInteraction,
  ctx: HandlerContext,
  header: TaskHeader,
  form: CardFormOf["form"],
  action: CardButtonAction,
): Promise<void> {
  // Answering: the question itself is the hint, so the answerer sees what they answer.
  const question =
    action === "answer" ? (await ctx.services.tasks.get(ctx.action, header.number)).question : null;
  await interaction.showModal({
    custom_id: encodeCustomId({
      kind: "card_form",
      form: form.id,
      taskId: header.id,
      version: header.version,
    }),
    title: fitModalTitle(`${form.title} #${header.number}`),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: form.field,
            label: form.label,
            style: TextInputStyle.Paragraph,
            required: form.required,
            ...(form.required ? { min_length: 1 } : {}),
            max_length: form.maxLength,
            placeholder: truncate(question ? `Q: ${question.text}` : form.placeholder, PLACEHOLDER_MAX),
          },
        ],
      },
    ],
  });
}

/**
 * A card form sent (Request rework's reason, Submit's note, Answer's text): acts against the version the
 * card showed, then shows the card as it now is.
 */
export async function run(
  interaction: ModalSubmitInteraction,
  id: Extract<CustomId, { kind: "card_form" }>,
  ctx: HandlerContext,
): Promise<void> {
  const { action, form } = cardFormOf(id.form);
  const header = await resolveClickedTask(ctx, id.taskId);
  // The service decides first: to whom it may not see, a forged form names an unknown task.
  await checkCardAction(ctx, action, header.number);
  if (!interaction.isFromMessage()) throw new UserError("That form must be opened from a task card.");
  if (header.version !== id.version) return refreshStaleCard(interaction, ctx, header);
  const typed = modalText(interaction, form.field);
  const text = form.required || typed.trim().length > 0 ? typed : undefined;
  await applyCardChange(interaction, ctx, header, id.version, async (): Promise<{ task: TaskView }> => {
    if (action === "answer")
      return { task: await ctx.services.tasks.answer(ctx.action, header.number, typed) };
    if (!isTransitionAction(action)) throw new Error(`the ${action} form has no way to act`);
    return ctx.services.tasks.transition(ctx.action, {
      number: header.number,
      action,
      expectedVersion: id.version,
      text,
      shownOn: interaction.message.id,
    });
  });
}
