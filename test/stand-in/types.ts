/**
 * The payload shapes the stand-in sends and stores, as documented for Discord API v10. Only the
 * fields the stand-in fills are typed precisely; everything a bot sends (embeds, components) is
 * kept as the JSON it sent.
 */
export type Snowflake = string;
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ApiUser {
  id: Snowflake;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
  system?: boolean;
  public_flags: number;
  flags: number;
  banner: string | null;
  accent_color: number | null;
  avatar_decoration_data: null;
  collectibles: null;
  primary_guild: null;
}

export interface ApiRole {
  id: Snowflake;
  name: string;
  description: string | null;
  color: number;
  colors: { primary_color: number; secondary_color: number | null; tertiary_color: number | null };
  hoist: boolean;
  icon: string | null;
  unicode_emoji: string | null;
  position: number;
  permissions: string;
  managed: boolean;
  mentionable: boolean;
  flags: number;
  tags?: { bot_id?: Snowflake };
}

export interface ApiOverwrite {
  id: Snowflake;
  /** 0 = role, 1 = member */
  type: 0 | 1;
  allow: string;
  deny: string;
}

export interface ApiChannel {
  id: Snowflake;
  type: number;
  guild_id: Snowflake;
  name: string;
  position: number;
  permission_overwrites: ApiOverwrite[];
  parent_id: Snowflake | null;
  topic: string | null;
  nsfw: boolean;
  last_message_id: Snowflake | null;
  rate_limit_per_user: number;
  flags: number;
  /** minutes; copied onto threads started here (Discord: 60, 1440, 4320 or 10080; unset reads as 1440) */
  default_auto_archive_duration?: number;
  /** threads (types 10, 11, 12) only */
  owner_id?: Snowflake;
  thread_metadata?: {
    archived: boolean;
    auto_archive_duration: number;
    archive_timestamp: string;
    locked: boolean;
  };
  message_count?: number;
  member_count?: number;
}

/** Public, private and announcement threads: they live in a channel and take its overwrites. */
export const THREAD_TYPES = [10, 11, 12];

/** A guild member as stored: everything but the user object, which lives in the user table. */
export interface ApiMemberFields {
  nick: string | null;
  avatar: string | null;
  banner: string | null;
  roles: Snowflake[];
  joined_at: string;
  premium_since: string | null;
  deaf: boolean;
  mute: boolean;
  flags: number;
  pending: boolean;
  communication_disabled_until: string | null;
}

export interface ApiMember extends ApiMemberFields {
  user: ApiUser;
}

export interface ApiAllowedMentions {
  parse?: string[];
  users?: Snowflake[];
  roles?: Snowflake[];
  replied_user?: boolean;
}

export interface ApiMessageReference {
  type?: number;
  message_id?: Snowflake;
  channel_id?: Snowflake;
  guild_id?: Snowflake;
  fail_if_not_exists?: boolean;
}

export interface ApiInteractionMetadata {
  id: Snowflake;
  type: number;
  name?: string;
  command_type?: number;
  user: ApiUser;
  authorizing_integration_owners: Record<string, Snowflake>;
  original_response_message_id?: Snowflake;
  interacted_message_id?: Snowflake;
  triggering_interaction_metadata?: ApiInteractionMetadata;
  target_message_id?: Snowflake;
}

export interface ApiMessage {
  id: Snowflake;
  type: number;
  channel_id: Snowflake;
  author: ApiUser;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: (ApiUser & { member?: ApiMemberFields })[];
  mention_roles: Snowflake[];
  attachments: JsonObject[];
  embeds: JsonObject[];
  components: JsonObject[];
  pinned: boolean;
  flags: number;
  nonce?: string | number;
  webhook_id?: Snowflake;
  application_id?: Snowflake;
  interaction_metadata?: ApiInteractionMetadata;
  message_reference?: ApiMessageReference;
  referenced_message?: ApiMessage | null;
  reactions?: { count: number; me: boolean; emoji: { id: Snowflake | null; name: string } }[];
  /** the thread started from this message */
  thread?: JsonObject;
}

export interface ApiCommandOption {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: { name: string; value: string | number }[];
  options?: ApiCommandOption[];
  channel_types?: number[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  [key: string]: unknown;
}

export interface ApiCommand {
  id: Snowflake;
  application_id: Snowflake;
  version: Snowflake;
  type: number;
  name: string;
  description: string;
  guild_id?: Snowflake;
  default_member_permissions: string | null;
  dm_permission?: boolean;
  contexts: number[] | null;
  integration_types: number[];
  nsfw: boolean;
  options?: ApiCommandOption[];
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
}

export interface ApiChoice {
  name: string;
  value: string | number;
}

export interface ApiModal {
  custom_id: string;
  title: string;
  components: JsonObject[];
}

/** The `d` of an INTERACTION_CREATE dispatch. */
export interface ApiInteraction {
  id: Snowflake;
  application_id: Snowflake;
  type: number;
  data: JsonObject;
  guild_id: Snowflake;
  guild: { id: Snowflake; locale: string; features: string[] };
  channel_id: Snowflake;
  channel: ApiChannel;
  member: ApiMember & { permissions: string };
  token: string;
  version: 1;
  message?: ApiMessage;
  app_permissions: string;
  locale: string;
  guild_locale: string;
  entitlements: JsonObject[];
  authorizing_integration_owners: Record<string, Snowflake>;
  context: number;
  attachment_size_limit: number;
}
