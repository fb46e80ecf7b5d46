import { DiscordjsErrorCodes, DiscordjsTypeError } from "discord.js";
import { ValidationError } from "../domain/errors.ts";

/** What discord.js throws reading an interaction that lacks (or mistypes) an option or field we defined. */
const INCOMPLETE = new Set<string>([
  DiscordjsErrorCodes.CommandInteractionOptionNotFound,
  DiscordjsErrorCodes.CommandInteractionOptionType,
  DiscordjsErrorCodes.CommandInteractionOptionEmpty,
  DiscordjsErrorCodes.CommandInteractionOptionNoSubcommand,
  DiscordjsErrorCodes.CommandInteractionOptionNoSubcommandGroup,
  DiscordjsErrorCodes.AutocompleteInteractionOptionNoFocusedOption,
  DiscordjsErrorCodes.ModalSubmitInteractionFieldNotFound,
  DiscordjsErrorCodes.ModalSubmitInteractionFieldType,
  DiscordjsErrorCodes.ModalSubmitInteractionFieldEmpty,
]);

/**
 * An interaction is input from the client: one that arrives without what its definition requires
 * (a forged or garbled one; Discord's own client never sends it) is bad input, named back, not a fault.
 */
export function asIncompleteInput(error: unknown): unknown {
  if (!(error instanceof DiscordjsTypeError) || !INCOMPLETE.has(String(error.code))) return error;
  return new ValidationError(
    "interaction",
    `That command arrived incomplete (${error.message.replace(/\.$/, "")}). Run it again; nothing was changed.`,
  );
}
