import type { ApiChannel, ApiMemberFields, ApiOverwrite, ApiRole, ApiUser, Snowflake } from "../types.ts";
import { discordTimestamp } from "./timestamps.ts";

export function newUser(
  id: Snowflake,
  username: string,
  opts: { bot?: boolean; globalName?: string } = {},
): ApiUser {
  const user: ApiUser = {
    id,
    username,
    discriminator: "0",
    global_name: opts.bot ? null : (opts.globalName ?? username.charAt(0).toUpperCase() + username.slice(1)),
    avatar: null,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    collectibles: null,
    primary_guild: null,
  };
  if (opts.bot) user.bot = true;
  return user;
}

export function newRole(
  id: Snowflake,
  name: string,
  position: number,
  permissions: bigint,
  opts: { color?: number; mentionable?: boolean; hoist?: boolean; managed?: boolean; botId?: Snowflake } = {},
): ApiRole {
  const role: ApiRole = {
    id,
    name,
    description: null,
    color: opts.color ?? 0,
    colors: { primary_color: opts.color ?? 0, secondary_color: null, tertiary_color: null },
    hoist: opts.hoist ?? false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed: opts.managed ?? false,
    mentionable: opts.mentionable ?? false,
    flags: 0,
  };
  if (opts.botId) role.tags = { bot_id: opts.botId };
  return role;
}

export function newTextChannel(
  id: Snowflake,
  guildId: Snowflake,
  name: string,
  position: number,
  opts: { topic?: string; overwrites?: ApiOverwrite[] } = {},
): ApiChannel {
  return {
    id,
    type: 0,
    guild_id: guildId,
    name,
    position,
    permission_overwrites: opts.overwrites ?? [],
    parent_id: null,
    topic: opts.topic ?? null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

/** A public thread (type 11): no overwrites of its own, its parent's apply. */
export function newThreadChannel(
  id: Snowflake,
  parent: ApiChannel,
  name: string,
  ownerId: Snowflake,
  createdAt: string,
): ApiChannel {
  return {
    id,
    type: 11,
    guild_id: parent.guild_id,
    name,
    position: 0,
    permission_overwrites: [],
    parent_id: parent.id,
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
    owner_id: ownerId,
    thread_metadata: {
      archived: false,
      auto_archive_duration: 1440,
      archive_timestamp: createdAt,
      locked: false,
    },
    message_count: 0,
    member_count: 1,
  };
}

export function newMember(
  roles: Snowflake[],
  joinedAtMs: number,
  nick: string | null = null,
): ApiMemberFields {
  return {
    nick,
    avatar: null,
    banner: null,
    roles,
    joined_at: discordTimestamp(joinedAtMs),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}
