import type { FormErrors } from "../errors.ts";
import type { Json, JsonObject } from "../types.ts";

type Path = (string | number)[];
const PARSE_TYPES = new Set(["users", "roles", "everyone"]);

/** allowed_mentions: known parse types; `parse: ["users"]` and `users: [...]` exclude each other (same for roles). */
export function validateAllowedMentions(value: Json, errors: FormErrors, path: Path): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    return;
  }
  const am = value as JsonObject;
  const parse = Array.isArray(am.parse) ? (am.parse as Json[]) : [];
  for (const [i, p] of parse.entries()) {
    if (typeof p !== "string" || !PARSE_TYPES.has(p)) {
      errors.add(
        [...path, "parse", i],
        "BASE_TYPE_CHOICES",
        "Value must be one of ('everyone', 'roles', 'users').",
      );
    }
  }
  for (const kind of ["users", "roles"] as const) {
    const list = am[kind];
    if (!Array.isArray(list)) continue;
    if (list.length > 100)
      errors.add([...path, kind], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.");
    if (parse.includes(kind) && list.length > 0) {
      errors.add(
        path,
        "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
        `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
      );
    }
  }
}
