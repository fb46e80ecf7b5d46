import type { Core } from "../core.ts";
import { StandInUsageError } from "../errors.ts";
import type { ApiCommand, ApiCommandOption, JsonObject, Snowflake } from "../types.ts";
import type { Actor } from "./envelope.ts";
import { resolveOptionValue } from "./option-value.ts";

/** A file a member attaches to an attachment option (the client uploads it to the CDN first). */
export interface AttachmentInput {
  filename: string;
  content: string | Uint8Array;
  contentType?: string;
}

export type OptionInput = string | number | boolean | AttachmentInput;

export interface CommandInput {
  name: string;
  group?: string;
  subcommand?: string;
  options?: Record<string, OptionInput>;
}

const SUB_COMMAND = 1;
const SUB_COMMAND_GROUP = 2;

/**
 * `data.options` and `data.resolved` of a chat-input interaction, checked against the registered
 * definition the way Discord's client checks what a person types: known names, required options,
 * types, choices, ranges, lengths, channel types. With `focused` (autocomplete) that option is
 * sent as typed text with `focused: true`, required options may be missing, and nothing is resolved.
 * `unchecked` sends what Discord would refuse (missing required options, values outside lengths,
 * ranges or choices) so a bot's own checks can be tested; names and types are still checked.
 */
export function buildCommandOptions(
  core: Core,
  actor: Actor,
  command: ApiCommand,
  input: CommandInput,
  focused?: string,
  unchecked = false,
): { options: JsonObject[]; resolved?: JsonObject } {
  const where = `/${[command.name, input.group, input.subcommand].filter(Boolean).join(" ")}`;
  const top = command.options ?? [];
  const hasSubs = top.some((o) => o.type === SUB_COMMAND || o.type === SUB_COMMAND_GROUP);
  let leafDefs = top;
  let wrap = (leaf: JsonObject[]): JsonObject[] => leaf;
  if (hasSubs) {
    let scope = top;
    let group: ApiCommandOption | undefined;
    if (input.group !== undefined) {
      group = top.find((o) => o.type === SUB_COMMAND_GROUP && o.name === input.group);
      if (!group)
        throw new StandInUsageError(
          `${where}: no subcommand group "${input.group}"; have ${names(top, SUB_COMMAND_GROUP)}`,
        );
      scope = group.options ?? [];
    }
    const sub = scope.find((o) => o.type === SUB_COMMAND && o.name === input.subcommand);
    if (!sub) {
      throw new StandInUsageError(
        `${where}: needs a subcommand, one of ${names(scope, SUB_COMMAND) || names(top, SUB_COMMAND_GROUP)}`,
      );
    }
    leafDefs = sub.options ?? [];
    wrap = (leaf) => {
      const subOption: JsonObject = { name: sub.name, type: SUB_COMMAND, options: leaf };
      return group ? [{ name: group.name, type: SUB_COMMAND_GROUP, options: [subOption] }] : [subOption];
    };
  } else if (input.subcommand !== undefined || input.group !== undefined) {
    throw new StandInUsageError(`/${command.name} has no subcommands`);
  }

  const given = input.options ?? {};
  for (const name of Object.keys(given)) {
    if (!leafDefs.some((d) => d.name === name)) {
      throw new StandInUsageError(
        `${where}: unknown option "${name}"; options are ${leafDefs.map((d) => d.name).join(", ") || "none"}`,
      );
    }
  }
  const resolved: Record<string, Record<Snowflake, JsonObject>> = {};
  const leaf: JsonObject[] = [];
  for (const def of leafDefs) {
    const raw = given[def.name];
    if (raw === undefined) {
      if (def.required && focused === undefined && !unchecked)
        throw new StandInUsageError(`${where}: option "${def.name}" is required`);
      continue;
    }
    if (def.name === focused) {
      leaf.push({ name: def.name, type: def.type, value: String(raw), focused: true });
      continue;
    }
    const value = resolveOptionValue(
      core,
      actor,
      def,
      raw,
      where,
      focused === undefined ? resolved : undefined,
      !unchecked,
    );
    leaf.push({ name: def.name, type: def.type, value });
  }
  if (focused !== undefined && !leaf.some((o) => o.focused === true)) {
    throw new StandInUsageError(
      `${where}: the focused option "${focused}" needs a value (the text typed so far)`,
    );
  }
  const options = wrap(leaf);
  return Object.keys(resolved).length > 0
    ? { options, resolved: resolved as unknown as JsonObject }
    : { options };
}

function names(options: ApiCommandOption[], type: number): string {
  return options
    .filter((o) => o.type === type)
    .map((o) => o.name)
    .join(", ");
}
