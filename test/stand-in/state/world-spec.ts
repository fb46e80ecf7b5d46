import type { PermissionName } from "../permissions.ts";

/** A small pretend Discord, described by names; ids are made up as realistic snowflakes. */
export interface WorldSpec {
  application?: { id?: string; name?: string; botUsername?: string };
  guilds?: GuildSpec[];
}

export interface GuildSpec {
  id?: string;
  name: string;
  /** username of the owner (all permissions); defaults to the first member */
  owner?: string;
  locale?: string;
  /** defaults to Discord's default @everyone permissions */
  everyonePermissions?: PermissionName[];
  /** the permissions of the bot's managed role; defaults to a typical invite (view, send, embed, read history…) */
  botPermissions?: PermissionName[];
  roles?: RoleSpec[];
  /** text channels, by name or spec */
  channels?: (string | ChannelSpec)[];
  /** members, by username or spec; the bot is always a member */
  members?: (string | MemberSpec)[];
}

export interface RoleSpec {
  name: string;
  id?: string;
  permissions?: PermissionName[];
  color?: number;
  mentionable?: boolean;
  hoist?: boolean;
}

export interface ChannelSpec {
  name: string;
  id?: string;
  topic?: string;
  /** channel permission overwrites, by role name (or "@everyone") or member username */
  overwrites?: OverwriteSpec[];
  /** active public threads in this channel, by name; they have no overwrites of their own (the channel's apply) */
  threads?: string[];
  /** minutes (60, 1440, 4320, 10080) copied onto threads started here; unset, Discord's clients use 1440 */
  defaultAutoArchiveDuration?: number;
}

export interface OverwriteSpec {
  role?: string;
  member?: string;
  allow?: PermissionName[];
  deny?: PermissionName[];
}

export interface MemberSpec {
  username: string;
  id?: string;
  bot?: boolean;
  /** role names */
  roles?: string[];
  nick?: string;
  globalName?: string;
}
