import type { FormErrors } from "../errors.ts";
import type { Json, JsonObject } from "../types.ts";

type Path = (string | number)[];

/** Discord's embed limits: 10 embeds; title 256, description 4096, 25 fields (256/1024), footer 2048, author 256; 6000 in all. */
export function validateEmbeds(embeds: Json, errors: FormErrors, path: Path): void {
  if (!Array.isArray(embeds)) {
    errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.");
    return;
  }
  if (embeds.length > 10) errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
  let total = 0;
  for (const [i, raw] of embeds.entries()) {
    const embed = (raw ?? {}) as JsonObject;
    const at = [...path, i];
    errors.maxLength([...at, "title"], embed.title, 256);
    errors.maxLength([...at, "description"], embed.description, 4096);
    const footer = embed.footer as JsonObject | undefined;
    const author = embed.author as JsonObject | undefined;
    errors.maxLength([...at, "footer", "text"], footer?.text, 2048);
    errors.maxLength([...at, "author", "name"], author?.name, 256);
    if (embed.color !== undefined && embed.color !== null) {
      const color = embed.color;
      if (typeof color !== "number" || !Number.isInteger(color) || color < 0 || color > 0xffffff) {
        errors.add(
          [...at, "color"],
          "NUMBER_TYPE_MAX",
          "int value should be less than or equal to 16777215.",
        );
      }
    }
    total += length(embed.title) + length(embed.description) + length(footer?.text) + length(author?.name);
    const fields = embed.fields;
    if (Array.isArray(fields)) {
      if (fields.length > 25)
        errors.add([...at, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
      for (const [j, f] of fields.entries()) {
        const field = (f ?? {}) as JsonObject;
        for (const [key, max] of [
          ["name", 256],
          ["value", 1024],
        ] as const) {
          if (typeof field[key] !== "string" || length(field[key]) === 0) {
            errors.add([...at, "fields", j, key], "BASE_TYPE_REQUIRED", "This field is required");
          }
          errors.maxLength([...at, "fields", j, key], field[key], max);
        }
        total += length(field.name) + length(field.value);
      }
    }
  }
  if (total > 6000) errors.add(path, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");
}

function length(value: Json | undefined): number {
  return typeof value === "string" ? [...value].length : 0;
}
