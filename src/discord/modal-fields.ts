import { ComponentType, type ModalSubmitInteraction } from "discord.js";
import { ValidationError } from "../domain/errors.ts";

/**
 * A text input of a submitted form. The form is input from the client like any other: a field the
 * form we showed has but the submission lacks (forged or garbled) is named back, and nothing is done.
 */
export function modalText(interaction: ModalSubmitInteraction, customId: string): string {
  const field = interaction.fields.fields.get(customId);
  const value = field && field.type === ComponentType.TextInput ? field.value : undefined;
  if (typeof value !== "string") {
    throw new ValidationError(
      customId,
      `The form arrived without its ${customId} field; open it again and resubmit. Nothing was changed.`,
    );
  }
  return value;
}
