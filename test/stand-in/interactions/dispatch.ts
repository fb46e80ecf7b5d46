import type { Core } from "../core.ts";
import { StandInUsageError } from "../errors.ts";
import { ALL_PERMISSIONS, hasPermission } from "../permissions.ts";
import type { ApiCommand, JsonObject } from "../types.ts";
import type { Actor } from "./envelope.ts";
import type { InteractionRecord } from "./record.ts";

/**
 * Sends INTERACTION_CREATE to the sessions of the guild's shard (each of them, like Discord: the first
 * acknowledgement wins, a second gets 40060) and starts the 3-second clock.
 */
export function dispatchInteraction(core: Core, record: InteractionRecord): InteractionRecord {
  const sessions = core.gateway.requireSessionsForGuild(record.payload.guild_id);
  core.interactions.add(record);
  for (const session of sessions)
    session.dispatch("INTERACTION_CREATE", record.payload as unknown as JsonObject);
  core.interactionEvent("dispatched", record);
  return record;
}

/** A registered command, or the error Discord's client would make obvious (no such command). */
export function registeredCommand(core: Core, actor: Actor, name: string, type: number): ApiCommand {
  const command = core.commands.find(actor.guildId, name, type);
  if (!command) {
    const known = core.commands
      .visibleIn(actor.guildId)
      .filter((c) => c.type === type)
      .map((c) => c.name)
      .join(", ");
    throw new StandInUsageError(
      `no ${type === 1 ? "slash" : "context menu"} command "${name}" is registered here; registered: ${known || "none"}`,
    );
  }
  return command;
}

/**
 * Discord hides commands a member may not use: without Use Application Commands in the channel,
 * or without every permission in `default_member_permissions` ("0": administrators only).
 */
export function checkCanUse(core: Core, actor: Actor, command: ApiCommand): void {
  const perms = core.world.channelPermissions(actor.channel.id, actor.userId);
  const who = core.world.users.get(actor.userId)!.username;
  if (!hasPermission(perms, "UseApplicationCommands")) {
    throw new StandInUsageError(
      `${who} cannot use application commands in #${actor.channel.name} (pass unchecked: true to send anyway)`,
    );
  }
  if (command.default_member_permissions === null) return;
  const required = BigInt(command.default_member_permissions);
  const allowed = perms === ALL_PERMISSIONS || (required !== 0n && (perms & required) === required);
  if (!allowed) {
    throw new StandInUsageError(
      `${who} cannot see /${command.name}: it needs permissions ${command.default_member_permissions} (default_member_permissions); pass unchecked: true to send anyway`,
    );
  }
}
