import type { GuildState, World } from "../state/world.ts";
import { type JsonObject, THREAD_TYPES } from "../types.ts";

/** The guild object of GET /guilds/{id} (no channels or members, as on Discord). */
export function restGuild(guild: GuildState, withCounts = false): JsonObject {
  const payload: JsonObject = {
    id: guild.id,
    name: guild.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    region: "deprecated",
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    roles: [...guild.roles.values()] as unknown as JsonObject[],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    max_presences: null,
    max_members: 500000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: guild.preferredLocale,
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw: false,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    incidents_data: null,
  };
  if (withCounts) {
    payload.approximate_member_count = guild.members.size;
    payload.approximate_presence_count = 0;
  }
  return payload;
}

/**
 * GUILD_CREATE as sent after READY. Members: with the privileged GUILD_PRESENCES intent, all of them
 * (small guilds); without it Discord sends only the bot's own member and members in voice (none here).
 */
export function gatewayGuild(world: World, guild: GuildState, withAllMembers: boolean): JsonObject {
  const members = [...guild.members.entries()]
    .filter(([userId]) => withAllMembers || userId === world.botUser.id)
    .map(([userId, fields]) => ({ user: world.users.get(userId), ...fields }));
  return {
    ...restGuild(guild),
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: members as unknown as JsonObject[],
    channels: [...guild.channels.values()]
      .filter((c) => !THREAD_TYPES.includes(c.type))
      .map(({ guild_id: _omit, ...c }) => c) as unknown as JsonObject[],
    // Active threads come apart from the channels, without overwrites (their parent's apply);
    // archived ones are not sent (a client asks for them).
    threads: [...guild.channels.values()]
      .filter((c) => THREAD_TYPES.includes(c.type) && !c.thread_metadata?.archived)
      .map(({ permission_overwrites: _none, ...thread }) => thread) as unknown as JsonObject[],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    lazy: true,
    application_command_counts: {},
    version: Date.now(),
    home_header: null,
    latest_onboarding_question_id: null,
    embedded_activities: [],
    activity_instances: [],
    hub_type: null,
  };
}
