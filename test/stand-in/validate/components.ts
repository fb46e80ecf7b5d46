import type { FormErrors } from "../errors.ts";
import type { Json, JsonObject } from "../types.ts";

type Path = (string | number)[];

const ACTION_ROW = 1;
const BUTTON = 2;
const SELECTS = new Set([3, 5, 6, 7, 8]);
const LINK = 5;
const PREMIUM = 6;

/** Rows of buttons and selects as Discord checks them: 5 rows of 5 buttons, custom_id ≤ 100 and unique, label ≤ 80. */
export function validateComponents(components: Json, errors: FormErrors, path: Path, v2: boolean): void {
  if (!Array.isArray(components)) {
    errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.");
    return;
  }
  const customIds = new Set<string>();
  if (v2) {
    walk(components, path, (c, at) => checkInteractive(c, at, errors, customIds));
    let count = 0;
    walk(components, path, () => count++);
    if (count > 40) errors.add(path, "COMPONENT_LAYOUT_TOO_MANY", "Must be 40 or fewer components in total.");
    return;
  }
  if (components.length > 5) errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.");
  for (const [i, raw] of components.entries()) {
    const row = (raw ?? {}) as JsonObject;
    const at = [...path, i];
    if (row.type !== ACTION_ROW) {
      errors.add([...at, "type"], "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).');
      continue;
    }
    const children = Array.isArray(row.components) ? row.components : [];
    if (children.length < 1 || children.length > 5) {
      errors.add([...at, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.");
    }
    const hasSelect = children.some((c) => SELECTS.has((c as JsonObject | null)?.type as number));
    if (hasSelect && children.length > 1) {
      errors.add(
        [...at, "components"],
        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
        "The specified component exceeds the maximum width",
      );
    }
    for (const [j, child] of children.entries()) {
      checkInteractive((child ?? {}) as JsonObject, [...at, "components", j], errors, customIds);
    }
  }
}

function checkInteractive(c: JsonObject, at: Path, errors: FormErrors, customIds: Set<string>): void {
  if (c.type === BUTTON) {
    errors.maxLength([...at, "label"], c.label, 80);
    if (c.style === LINK) {
      if (typeof c.url !== "string")
        errors.add([...at, "url"], "BASE_TYPE_REQUIRED", "This field is required");
      if (c.custom_id !== undefined) {
        errors.add(
          [...at, "custom_id"],
          "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
          "A custom id cannot be specified for a link button",
        );
      }
      return;
    }
    if (c.style === PREMIUM) return;
  } else if (!SELECTS.has(c.type as number) && c.type !== 4) {
    return;
  }
  if (typeof c.custom_id !== "string" || c.custom_id.length === 0) {
    errors.add([...at, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required");
    return;
  }
  errors.maxLength([...at, "custom_id"], c.custom_id, 100);
  if (customIds.has(c.custom_id)) {
    errors.add(
      [...at, "custom_id"],
      "COMPONENT_CUSTOM_ID_DUPLICATED",
      "Component custom id cannot be duplicated",
    );
  }
  customIds.add(c.custom_id);
  if (c.type === 3 && Array.isArray(c.options) && c.options.length > 25) {
    errors.add([...at, "options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  }
}

/** Visits every component object under `components`, depth first, with its error path. */
export function walk(components: Json, path: Path, visit: (c: JsonObject, at: Path) => void): void {
  if (!Array.isArray(components)) return;
  for (const [i, raw] of components.entries()) {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) continue;
    const c = raw as JsonObject;
    const at = [...path, i];
    visit(c, at);
    if (Array.isArray(c.components)) walk(c.components, [...at, "components"], visit);
    if (c.component && typeof c.component === "object") walk([c.component], [...at, "component"], visit);
    if (c.accessory && typeof c.accessory === "object") walk([c.accessory], [...at, "accessory"], visit);
  }
}
