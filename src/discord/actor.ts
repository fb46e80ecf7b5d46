import { type Interaction, PermissionFlagsBits } from "discord.js";
import type { Actor, Permission } from "../services/types.ts";

const PERMISSION_FLAGS: [bigint, Permission][] = [
  [PermissionFlagsBits.Administrator, "administrator"],
  [PermissionFlagsBits.ManageGuild, "manage_guild"],
  [PermissionFlagsBits.ManageChannels, "manage_channels"],
];

/**
 * Who clicked or typed, as the services understand it. `memberPermissions` already folds in the
 * channel's overwrites; an administrator holds every permission, as in Discord.
 */
export function actorOf(interaction: Interaction): Actor {
  const granted = interaction.memberPermissions;
  const permissions = PERMISSION_FLAGS.filter(([flag]) => granted?.has(flag) ?? false).map(
    ([, name]) => name,
  );
  return {
    userId: interaction.user.id,
    roleIds: roleIdsOf(interaction),
    permissions,
    isBot: interaction.user.bot,
  };
}

function roleIdsOf(interaction: Interaction): string[] {
  const roles = interaction.member?.roles;
  if (!roles) return [];
  // A cached guild gives a GuildMember (role manager); an uncached one the raw API member (string[]).
  return Array.isArray(roles) ? [...roles] : [...roles.cache.keys()];
}

/** What /tasklane asks for (administrators hold it too). */
export function canManageChannels(actor: Actor): boolean {
  return actor.permissions.includes("manage_channels");
}
