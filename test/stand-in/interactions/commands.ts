import type { Core } from "../core.ts";
import { StandInUsageError } from "../errors.ts";
import type { ApiCommandOption, JsonObject } from "../types.ts";
import { buildCommandOptions, type CommandInput } from "./command-options.ts";
import { checkCanUse, dispatchInteraction, registeredCommand } from "./dispatch.ts";
import { interactionEnvelope, resolveActor } from "./envelope.ts";
import { InteractionRecord, InteractionType } from "./record.ts";

export interface Where {
  /** guild id or name; optional when the channel says it */
  guildId?: string;
  /** channel id or name (`general`, `#general`) */
  channelId: string;
  /** user id or username */
  userId: string;
  /** send even what Discord's client would not (a command the member cannot see) */
  unchecked?: boolean;
}

export type SlashCommandInput = Where & CommandInput;
export type AutocompleteInput = Where & CommandInput & { focused: string };

export function slashCommand(core: Core, input: SlashCommandInput): InteractionRecord {
  const actor = resolveActor(core, input);
  const command = registeredCommand(core, actor, input.name, 1);
  if (!input.unchecked) checkCanUse(core, actor, command);
  const { options, resolved } = buildCommandOptions(core, actor, command, input, undefined, input.unchecked);
  const data: JsonObject = { id: command.id, name: command.name, type: 1 };
  if (options.length > 0) data.options = options;
  if (resolved) data.resolved = resolved;
  if (command.guild_id) data.guild_id = command.guild_id;
  const payload = interactionEnvelope(core, actor, InteractionType.ApplicationCommand, data);
  const label = `/${[input.name, input.group, input.subcommand].filter(Boolean).join(" ")}`;
  return dispatchInteraction(core, new InteractionRecord(payload, "slash", label));
}

export function autocomplete(core: Core, input: AutocompleteInput): InteractionRecord {
  const actor = resolveActor(core, input);
  const command = registeredCommand(core, actor, input.name, 1);
  if (!input.unchecked) checkCanUse(core, actor, command);
  const focusedDef = leafOptions(command.options ?? [], input).find((o) => o.name === input.focused);
  if (!focusedDef?.autocomplete) {
    throw new StandInUsageError(`/${input.name}: option "${input.focused}" does not have autocomplete`);
  }
  const { options } = buildCommandOptions(core, actor, command, input, input.focused);
  const data: JsonObject = { id: command.id, name: command.name, type: 1, options };
  if (command.guild_id) data.guild_id = command.guild_id;
  const payload = interactionEnvelope(core, actor, InteractionType.Autocomplete, data);
  return dispatchInteraction(
    core,
    new InteractionRecord(payload, "autocomplete", `/${input.name} (autocomplete ${input.focused})`),
  );
}

/** Right-click a message -> Apps -> a message command. */
export function messageContextMenu(
  core: Core,
  input: Where & { name: string; message: string | { id: string } },
): InteractionRecord {
  const actor = resolveActor(core, input);
  const command = registeredCommand(core, actor, input.name, 3);
  if (!input.unchecked) checkCanUse(core, actor, command);
  const id = typeof input.message === "string" ? input.message : input.message.id;
  const target = core.messages.get(id);
  if (!target || target.deleted || target.message.channel_id !== actor.channel.id) {
    throw new StandInUsageError(`message ${id} is not in #${actor.channel.name}`);
  }
  const data: JsonObject = {
    id: command.id,
    name: command.name,
    type: 3,
    target_id: id,
    resolved: { messages: { [id]: target.message as unknown as JsonObject } },
  };
  if (command.guild_id) data.guild_id = command.guild_id;
  const payload = interactionEnvelope(core, actor, InteractionType.ApplicationCommand, data);
  return dispatchInteraction(core, new InteractionRecord(payload, "message-context", input.name));
}

/** Right-click a user -> Apps -> a user command. */
export function userContextMenu(
  core: Core,
  input: Where & { name: string; targetUserId: string },
): InteractionRecord {
  const actor = resolveActor(core, input);
  const command = registeredCommand(core, actor, input.name, 2);
  if (!input.unchecked) checkCanUse(core, actor, command);
  const target = core.world.user(input.targetUserId);
  const resolved: JsonObject = { users: { [target.id]: target as unknown as JsonObject } };
  const member = core.world.member(actor.guildId, target.id);
  if (member) {
    const { user: _u, deaf: _d, mute: _m, ...fields } = member;
    const permissions = core.world.channelPermissions(actor.channel.id, target.id).toString();
    resolved.members = { [target.id]: { ...(fields as unknown as JsonObject), permissions } };
  }
  const data: JsonObject = { id: command.id, name: command.name, type: 2, target_id: target.id, resolved };
  if (command.guild_id) data.guild_id = command.guild_id;
  const payload = interactionEnvelope(core, actor, InteractionType.ApplicationCommand, data);
  return dispatchInteraction(core, new InteractionRecord(payload, "user-context", input.name));
}

function leafOptions(top: ApiCommandOption[], input: CommandInput): ApiCommandOption[] {
  const scope = input.group ? (top.find((o) => o.type === 2 && o.name === input.group)?.options ?? []) : top;
  if (!input.subcommand) return scope;
  return scope.find((o) => o.type === 1 && o.name === input.subcommand)?.options ?? [];
}
