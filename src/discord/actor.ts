import {
  ChannelType,
  type Guild,
  type GuildBasedChannel,
  type Interaction,
  type Message,
  PermissionFlagsBits,
} from "discord.js";
import { UserError } from "../domain/errors.ts";
import type { ServerPermission } from "../domain/roles.ts";
import { type ChannelRights, NO_RIGHTS } from "../domain/roles.ts";
import type { EventSource } from "../domain/task-states.ts";
import type { ActionContext, Actor } from "../services/contracts.ts";
import {
  basePermissions,
  channelPermissions,
  type MemberInGuild,
  type Overwrite,
} from "./permissions/compute-permissions.ts";

const SERVER_FLAGS: [bigint, ServerPermission][] = [
  [PermissionFlagsBits.Administrator, "administrator"],
  [PermissionFlagsBits.ManageGuild, "manage_guild"],
];

interface Who {
  userId: string;
  /** Without @everyone. */
  roleIds: string[];
  isBot: boolean;
  timedOutUntil: number | null;
}

/**
 * Who clicked or typed, as the services understand it: their rights in every channel of the server.
 * In the interaction's own channel Discord computed them (`member.permissions`); elsewhere they are
 * computed from the guild cache (roles and overwrites from GUILD_CREATE, no privileged intent) on
 * every call (a few microseconds), so a write never acts on a permission taken away meanwhile.
 */
export function actorOf(interaction: Interaction): Actor {
  const who: Who = {
    userId: interaction.user.id,
    roleIds: roleIdsOf(interaction.member, interaction.guildId),
    isBot: interaction.user.bot,
    timedOutUntil: timedOutUntil(interaction.member),
  };
  const own = interaction.memberPermissions?.bitfield;
  return buildActor(who, interaction.guild, interaction.channelId, own);
}

/** The author of a mention: no payload permissions, so every channel is computed from the cache. */
export function actorOfMessage(message: Message<true>): Actor {
  const who: Who = {
    userId: message.author.id,
    roleIds: roleIdsOf(message.member, message.guildId),
    isBot: message.author.bot,
    timedOutUntil: timedOutUntil(message.member),
  };
  return buildActor(who, message.guild, null, undefined);
}

/** Who acts where, for an interaction: its guild, its channel, its actor, the door it came through. */
export function actionContextOf(
  interaction: Interaction & { guildId: string },
  source: EventSource,
): ActionContext {
  if (!interaction.channelId) throw new UserError("Tasklane can only act inside a channel.");
  return {
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    actor: actorOf(interaction),
    source,
    eventId: interaction.id,
  };
}

/** Who acts where, for a mention: the message's guild and channel, its author. */
export function actionContextOfMessage(message: Message<true>, actor: Actor): ActionContext {
  return { guildId: message.guildId, channelId: message.channelId, actor, source: "mention" };
}

function buildActor(
  who: Who,
  guild: Guild | null,
  ownChannelId: string | null,
  ownBits: bigint | undefined,
): Actor {
  const member = guild ? memberInGuild(guild, who) : null;
  const base = member ? basePermissions(member) : (ownBits ?? 0n);
  const bitsIn = (channelId: string): bigint | null => {
    if (channelId === ownChannelId && ownBits !== undefined) return ownBits;
    if (!guild || !member) return null;
    const overwrites = overwritesOf(guild, channelId);
    if (!overwrites) return null;
    const bits = channelPermissions(member, overwrites);
    // Who is in a private thread is not in the cache: only Manage Threads sees every one of them.
    const privateThread = guild.channels.cache.get(channelId)?.type === ChannelType.PrivateThread;
    return privateThread && (bits & PermissionFlagsBits.ManageThreads) === 0n ? 0n : bits;
  };
  let viewable: string[] | undefined;
  const rightsIn = (channelId: string): ChannelRights => {
    const bits = bitsIn(channelId);
    if (bits === null) return NO_RIGHTS;
    return rightsOf(bits, guild?.channels.cache.get(channelId)?.isThread() ?? false);
  };
  return {
    userId: who.userId,
    roleIds: guild ? [guild.id, ...who.roleIds] : who.roleIds,
    permissions: SERVER_FLAGS.filter(([flag]) => (base & flag) === flag).map(([, name]) => name),
    isBot: who.isBot,
    in: rightsIn,
    // Only reads use the list (a server-wide list, search, autocomplete, stats), so it is kept for the
    // rest of this one interaction: about 3 ms for 500 channels of 11 overwrites each.
    viewableChannelIds: () => {
      if (viewable) return viewable;
      const ids = guild ? [...guild.channels.cache.keys()] : [];
      if (ownChannelId && !ids.includes(ownChannelId)) ids.push(ownChannelId);
      viewable = ids.filter((id) => rightsIn(id).view);
      return viewable;
    },
  };
}

/** In a thread, writing is Send Messages in Threads (Send Messages is the parent channel's). */
export function rightsOf(bits: bigint, thread = false): ChannelRights {
  const has = (flag: bigint) => (bits & flag) === flag;
  const view = has(PermissionFlagsBits.ViewChannel);
  const sendFlag = thread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  return {
    view,
    send: view && has(sendFlag),
    manageChannels: view && has(PermissionFlagsBits.ManageChannels),
  };
}

function memberInGuild(guild: Guild, who: Who): MemberInGuild {
  return {
    guildId: guild.id,
    ownerId: guild.ownerId ?? null,
    userId: who.userId,
    roleIds: who.roleIds,
    rolePermissions: (roleId) => guild.roles.cache.get(roleId)?.permissions.bitfield,
    timedOutUntil: who.timedOutUntil,
  };
}

/** A channel's overwrites; a thread's are its parent's. null: not a channel of this guild's cache. */
export function overwritesOf(guild: Guild, channelId: string): Overwrite[] | null {
  let channel: GuildBasedChannel | null | undefined = guild.channels.cache.get(channelId);
  if (channel?.isThread()) channel = channel.parent;
  if (!channel || !("permissionOverwrites" in channel)) return null;
  return [...channel.permissionOverwrites.cache.values()].map((o) => ({
    id: o.id,
    type: o.type === 1 ? 1 : 0,
    allow: o.allow.bitfield,
    deny: o.deny.bitfield,
  }));
}

type AnyMember = Interaction["member"] | Message["member"];

function roleIdsOf(member: AnyMember, guildId: string | null): string[] {
  const roles = member?.roles;
  if (!roles) return [];
  // A cached guild gives a GuildMember (role manager); an uncached one the raw API member (string[]).
  const ids = Array.isArray(roles) ? [...roles] : [...roles.cache.keys()];
  return ids.filter((id) => id !== guildId);
}

function timedOutUntil(member: AnyMember): number | null {
  if (!member) return null;
  if ("communicationDisabledUntilTimestamp" in member) return member.communicationDisabledUntilTimestamp;
  const raw = (member as { communication_disabled_until?: string | null }).communication_disabled_until;
  return raw ? Date.parse(raw) : null;
}

/**
 * Who reads a public card in `channelId`: anyone there. A related task shows on it only if it lives
 * in the same channel, or in one that @everyone can view; anything else could be news to a reader.
 */
export function publicAudience(guild: Guild | undefined, channelId: string): (channelId: string) => boolean {
  const everyone: MemberInGuild | null = guild
    ? {
        guildId: guild.id,
        ownerId: null,
        userId: "",
        roleIds: [],
        rolePermissions: (roleId) => guild.roles.cache.get(roleId)?.permissions.bitfield,
      }
    : null;
  return (other) => {
    if (other === channelId) return true;
    const overwrites = guild ? overwritesOf(guild, other) : null;
    return (
      everyone !== null && overwrites !== null && rightsOf(channelPermissions(everyone, overwrites)).view
    );
  };
}
