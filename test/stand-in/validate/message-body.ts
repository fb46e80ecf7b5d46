import type { FormErrors } from "../errors.ts";
import type { Json, JsonObject } from "../types.ts";
import { validateAllowedMentions } from "./allowed-mentions.ts";
import { validateComponents } from "./components.ts";
import { validateEmbeds } from "./embeds.ts";

type Path = (string | number)[];

export const MessageFlag = {
  SuppressEmbeds: 1 << 2,
  Ephemeral: 1 << 6,
  Loading: 1 << 7,
  SuppressNotifications: 1 << 12,
  IsComponentsV2: 1 << 15,
} as const;

/** Field checks Discord makes on a message create/edit body, with Discord's error codes and messages. */
export function validateMessageBody(body: JsonObject, errors: FormErrors, path: Path): void {
  if (body.content !== undefined && body.content !== null && typeof body.content !== "string") {
    errors.add([...path, "content"], "BASE_TYPE_STRING", "Must be a string.");
  }
  errors.maxLength([...path, "content"], body.content, 2000);
  const flags = typeof body.flags === "number" ? body.flags : 0;
  const v2 = (flags & MessageFlag.IsComponentsV2) !== 0;
  if (v2 && (nonEmptyString(body.content) || nonEmptyArray(body.embeds))) {
    errors.add(
      [...path, "content"],
      "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
      "The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
    );
  }
  if (body.embeds !== undefined && body.embeds !== null)
    validateEmbeds(body.embeds, errors, [...path, "embeds"]);
  if (body.components !== undefined && body.components !== null) {
    validateComponents(body.components, errors, [...path, "components"], v2);
  }
  if (body.allowed_mentions !== undefined && body.allowed_mentions !== null) {
    validateAllowedMentions(body.allowed_mentions, errors, [...path, "allowed_mentions"]);
  }
  const nonce = body.nonce;
  if (nonce !== undefined && nonce !== null) {
    if (typeof nonce === "string") errors.maxLength([...path, "nonce"], nonce, 25);
    else if (typeof nonce !== "number" || !Number.isInteger(nonce)) {
      errors.add(
        [...path, "nonce"],
        "BASE_TYPE_NONCE",
        "Must be an integer or a string of at most 25 characters.",
      );
    }
  }
}

/** Discord refuses to create a message with nothing to show. */
export function isEmptyMessage(body: JsonObject, files: number): boolean {
  return (
    !nonEmptyString(body.content) &&
    !nonEmptyArray(body.embeds) &&
    !nonEmptyArray(body.components) &&
    !nonEmptyArray(body.sticker_ids) &&
    !body.poll &&
    files === 0
  );
}

function nonEmptyString(value: Json | undefined): boolean {
  return typeof value === "string" && value.trim().length > 0;
}

function nonEmptyArray(value: Json | undefined): boolean {
  return Array.isArray(value) && value.length > 0;
}
