import type { FormErrors } from "../errors.ts";
import type { JsonObject } from "../types.ts";

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const SUB_COMMAND = 1;
const SUB_COMMAND_GROUP = 2;
const CHAT_INPUT = 1;

type Path = (string | number)[];

/** The checks Discord makes on a command definition (names, lengths, nesting, option order, limits). */
export function validateCommand(def: JsonObject, errors: FormErrors, path: Path): void {
  const type = typeof def.type === "number" ? def.type : CHAT_INPUT;
  const name = def.name;
  if (typeof name !== "string") {
    errors.add([...path, "name"], "BASE_TYPE_REQUIRED", "This field is required");
  } else if (type === CHAT_INPUT) {
    checkName(name, errors, [...path, "name"]);
  } else if (name.length < 1 || name.length > 32) {
    errors.add([...path, "name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.");
  }
  const description = def.description ?? "";
  if (type === CHAT_INPUT) {
    checkDescription(description, errors, [...path, "description"]);
  } else if (description !== "") {
    errors.add(
      [...path, "description"],
      "APPLICATION_COMMAND_INVALID_DESCRIPTION",
      "Description must be empty.",
    );
  }
  const options = def.options;
  if (options !== undefined && options !== null) {
    if (type !== CHAT_INPUT) {
      errors.add(
        [...path, "options"],
        "APPLICATION_COMMAND_OPTIONS_INVALID",
        "Only chat input commands have options.",
      );
    } else {
      checkOptions(options, errors, [...path, "options"], 0);
    }
  }
}

function checkName(name: string, errors: FormErrors, path: Path): void {
  if (!NAME.test(name)) {
    errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
  } else if (name !== name.toLowerCase()) {
    errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid (must be lowercase)");
  }
}

function checkDescription(description: unknown, errors: FormErrors, path: Path): void {
  if (typeof description !== "string" || description.length < 1 || description.length > 100) {
    errors.add(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
  }
}

/** depth 0: command options; 1: inside a group or sub-command; 2: inside a sub-command of a group */
function checkOptions(options: unknown, errors: FormErrors, path: Path, depth: number): void {
  if (!Array.isArray(options)) {
    errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.");
    return;
  }
  if (options.length > 25) errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  const names = new Set<string>();
  let sawOptional = false;
  const kinds = new Set<string>();
  for (const [i, raw] of options.entries()) {
    const option = raw as JsonObject;
    const at = [...path, i];
    const type = option.type as number;
    if (typeof option.name === "string") {
      checkName(option.name, errors, [...at, "name"]);
      if (names.has(option.name)) {
        errors.add(
          [...at, "name"],
          "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
          "Option names must be unique",
        );
      }
      names.add(option.name);
    } else {
      errors.add([...at, "name"], "BASE_TYPE_REQUIRED", "This field is required");
    }
    checkDescription(option.description, errors, [...at, "description"]);
    if (typeof type !== "number" || type < 1 || type > 11) {
      errors.add(
        [...at, "type"],
        "BASE_TYPE_CHOICES",
        "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.",
      );
      continue;
    }
    kinds.add(type === SUB_COMMAND || type === SUB_COMMAND_GROUP ? "sub" : "value");
    if (type === SUB_COMMAND_GROUP) {
      if (depth !== 0)
        errors.add([...at, "type"], "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Groups nest once.");
      checkOptions(option.options ?? [], errors, [...at, "options"], 1);
      continue;
    }
    if (type === SUB_COMMAND) {
      if (depth === 2) errors.add([...at, "type"], "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Too deep.");
      checkOptions(option.options ?? [], errors, [...at, "options"], 2);
      continue;
    }
    if (option.required === true && sawOptional) {
      errors.add(
        at,
        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
        "Required options must be placed before non-required options",
      );
    }
    if (option.required !== true) sawOptional = true;
    checkChoices(option, errors, at);
  }
  if (kinds.size > 1) {
    errors.add(
      path,
      "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
      "Sub-command and sub-command group option types are mutually exclusive to all other types",
    );
  }
}

function checkChoices(option: JsonObject, errors: FormErrors, at: Path): void {
  const choices = option.choices;
  if (!Array.isArray(choices)) return;
  if (option.autocomplete === true && choices.length > 0) {
    errors.add(
      [...at, "autocomplete"],
      "APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE",
      "Autocomplete cannot be set with choices",
    );
  }
  if (choices.length > 25)
    errors.add([...at, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  for (const [j, c] of choices.entries()) {
    const choice = c as JsonObject;
    const name = choice.name;
    if (typeof name !== "string" || name.length < 1 || name.length > 100) {
      errors.add(
        [...at, "choices", j, "name"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 100 in length.",
      );
    }
    errors.maxLength([...at, "choices", j, "value"], choice.value, 100);
  }
}
