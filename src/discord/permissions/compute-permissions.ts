import { PermissionFlagsBits } from "discord.js";

/** Every permission bit Discord defines today (what Administrator and the owner hold). */
export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

const { Administrator, ViewChannel, SendMessages, ReadMessageHistory } = PermissionFlagsBits;

/** Without Send Messages these are denied too (Discord's implicit permissions). */
const NEEDS_SEND =
  PermissionFlagsBits.MentionEveryone |
  PermissionFlagsBits.SendTTSMessages |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.EmbedLinks;

export interface Overwrite {
  id: string;
  /** 0 = role, 1 = member, as in the API. */
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

/** What the computation reads from the guild: plain values, so it is tested without a client. */
export interface MemberInGuild {
  guildId: string;
  ownerId: string | null;
  userId: string;
  /** The member's roles, without @everyone (whose id is the guild's). */
  roleIds: readonly string[];
  /** A role's permissions; @everyone is the role whose id is the guild id. Unknown roles grant nothing. */
  rolePermissions(roleId: string): bigint | undefined;
  /** communication_disabled_until, as epoch ms; a timed-out member can only read. */
  timedOutUntil?: number | null;
  now?: number;
}

/** Discord's compute_base_permissions: @everyone | every role of the member; owner and Administrator hold all. */
export function basePermissions(member: MemberInGuild): bigint {
  if (member.ownerId !== null && member.ownerId === member.userId) return ALL_PERMISSIONS;
  let bits = member.rolePermissions(member.guildId) ?? 0n;
  for (const roleId of member.roleIds) bits |= member.rolePermissions(roleId) ?? 0n;
  return (bits & Administrator) === Administrator ? ALL_PERMISSIONS : bits;
}

/**
 * Discord's compute_overwrites, in its documented order: @everyone's overwrite, then the member's
 * roles' denies and allows combined, then the member's own overwrite. A thread passes its parent's
 * overwrites. Then the implicit rules: no View Channel means nothing at all in the channel, no Send
 * Messages means no mentions, embeds or files, and a timed-out member may only view and read history.
 */
export function channelPermissions(member: MemberInGuild, overwrites: readonly Overwrite[]): bigint {
  const base = basePermissions(member);
  if (base === ALL_PERMISSIONS) return ALL_PERMISSIONS;
  let bits = base;
  const everyone = overwrites.find((o) => o.type === 0 && o.id === member.guildId);
  if (everyone) bits = (bits & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  const roles = new Set(member.roleIds);
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== member.guildId && roles.has(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  bits = (bits & ~deny) | allow;
  const own = overwrites.find((o) => o.type === 1 && o.id === member.userId);
  if (own) bits = (bits & ~own.deny) | own.allow;
  return implicit(bits, member);
}

function implicit(bits: bigint, member: MemberInGuild): bigint {
  if ((bits & ViewChannel) === 0n) return 0n;
  const now = member.now ?? Date.now();
  if (member.timedOutUntil && member.timedOutUntil > now) return bits & (ViewChannel | ReadMessageHistory);
  if ((bits & SendMessages) === 0n) return bits & ~NEEDS_SEND;
  return bits;
}
