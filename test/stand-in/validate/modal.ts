import type { FormErrors } from "../errors.ts";
import type { Json, JsonObject } from "../types.ts";

type Path = (string | number)[];

const ACTION_ROW = 1;
const TEXT_INPUT = 4;
const TEXT_DISPLAY = 10;
const LABEL = 18;

/** A modal: custom_id ≤ 100, title 1–45, 1–5 rows/labels of text inputs with Discord's length limits. */
export function validateModal(data: Json | undefined, errors: FormErrors, path: Path): void {
  const modal = (data ?? {}) as JsonObject;
  if (typeof modal.custom_id !== "string" || modal.custom_id.length === 0) {
    errors.add([...path, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required");
  }
  errors.maxLength([...path, "custom_id"], modal.custom_id, 100);
  if (typeof modal.title !== "string" || modal.title.length === 0) {
    errors.add([...path, "title"], "BASE_TYPE_REQUIRED", "This field is required");
  }
  errors.maxLength([...path, "title"], modal.title, 45);
  const components = Array.isArray(modal.components) ? modal.components : [];
  if (components.length < 1 || components.length > 5) {
    errors.add([...path, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.");
  }
  for (const [i, raw] of components.entries()) {
    const c = (raw ?? {}) as JsonObject;
    const at = [...path, "components", i];
    if (c.type === ACTION_ROW) {
      const inner = Array.isArray(c.components) ? c.components : [];
      if (inner.length !== 1)
        errors.add([...at, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 1 in length.");
      for (const [j, input] of inner.entries()) checkTextInput(input, errors, [...at, "components", j], true);
    } else if (c.type === LABEL) {
      errors.maxLength([...at, "label"], c.label, 45);
      errors.maxLength([...at, "description"], c.description, 100);
      checkTextInput(c.component, errors, [...at, "component"], false);
    } else if (c.type !== TEXT_DISPLAY) {
      errors.add([...at, "type"], "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1, 10, 18).');
    }
  }
}

function checkTextInput(raw: Json | undefined, errors: FormErrors, at: Path, needsLabel: boolean): void {
  const input = (raw ?? {}) as JsonObject;
  if (input.type !== TEXT_INPUT) return; // selects and other modal components: stored as sent
  if (typeof input.custom_id !== "string" || input.custom_id.length === 0) {
    errors.add([...at, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required");
  }
  errors.maxLength([...at, "custom_id"], input.custom_id, 100);
  if (needsLabel && typeof input.label !== "string")
    errors.add([...at, "label"], "BASE_TYPE_REQUIRED", "This field is required");
  errors.maxLength([...at, "label"], input.label, 45);
  errors.maxLength([...at, "placeholder"], input.placeholder, 100);
  errors.maxLength([...at, "value"], input.value, 4000);
  if (input.style !== 1 && input.style !== 2) {
    errors.add([...at, "style"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.");
  }
  for (const key of ["min_length", "max_length"] as const) {
    const v = input[key];
    if (v !== undefined && (typeof v !== "number" || v < (key === "min_length" ? 0 : 1) || v > 4000)) {
      errors.add([...at, key], "NUMBER_TYPE_MAX", "int value should be less than or equal to 4000.");
    }
  }
}

/** Autocomplete results: at most 25 choices, names 1–100, string values ≤ 100. */
export function validateChoices(data: Json | undefined, errors: FormErrors, path: Path): void {
  const choices = ((data ?? {}) as JsonObject).choices;
  if (!Array.isArray(choices)) {
    errors.add([...path, "choices"], "BASE_TYPE_REQUIRED", "This field is required");
    return;
  }
  if (choices.length > 25)
    errors.add([...path, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  for (const [i, raw] of choices.entries()) {
    const choice = (raw ?? {}) as JsonObject;
    if (typeof choice.name !== "string" || choice.name.length < 1 || choice.name.length > 100) {
      errors.add(
        [...path, "choices", i, "name"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 100 in length.",
      );
    }
    if (typeof choice.value !== "string" && typeof choice.value !== "number") {
      errors.add([...path, "choices", i, "value"], "BASE_TYPE_REQUIRED", "This field is required");
    }
    errors.maxLength([...path, "choices", i, "value"], choice.value, 100);
  }
}
