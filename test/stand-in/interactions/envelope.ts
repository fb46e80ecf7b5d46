import { randomBytes } from "node:crypto";
import type { Core } from "../core.ts";
import { StandInUsageError } from "../errors.ts";
import type { ApiChannel, ApiInteraction, ApiMessage, JsonObject, Snowflake } from "../types.ts";

/** What a member may attach to an interaction (the envelope's attachment_size_limit). */
export const ATTACHMENT_SIZE_LIMIT = 10_485_760;

export interface Actor {
  guildId: Snowflake;
  channel: ApiChannel;
  userId: Snowflake;
}

/** Resolves who acts where from ids or names; the user must be a member of the channel's guild. */
export function resolveActor(
  core: Core,
  input: { guildId?: string; channelId: string; userId: string },
): Actor {
  const channel = core.world.channel(input.channelId, input.guildId);
  const user = core.world.user(input.userId);
  if (!core.world.member(channel.guild_id, user.id)) {
    throw new StandInUsageError(`${user.username} is not a member of the guild of #${channel.name}`);
  }
  return { guildId: channel.guild_id, channel, userId: user.id };
}

/**
 * An INTERACTION_CREATE payload around `data`, with what Discord adds: the member with
 * `permissions` in the channel, the partial channel, app_permissions, a fresh token, locales,
 * entitlements, authorizing_integration_owners (guild install) and context (guild).
 */
export function interactionEnvelope(
  core: Core,
  actor: Actor,
  type: number,
  data: JsonObject,
  message?: ApiMessage,
): ApiInteraction {
  const { world } = core;
  const guild = world.requireGuild(actor.guildId);
  const id = world.ids.next();
  const member = world.member(actor.guildId, actor.userId)!;
  const payload: ApiInteraction = {
    id,
    application_id: world.application.id,
    type,
    data,
    guild_id: guild.id,
    guild: { id: guild.id, locale: guild.preferredLocale, features: [] },
    channel_id: actor.channel.id,
    channel: { ...actor.channel },
    member: { ...member, permissions: world.channelPermissions(actor.channel.id, actor.userId).toString() },
    token: interactionToken(id),
    version: 1,
    app_permissions: world.channelPermissions(actor.channel.id, world.botUser.id).toString(),
    locale: core.settings.locale,
    guild_locale: guild.preferredLocale,
    entitlements: [],
    authorizing_integration_owners: { "0": guild.id },
    context: 0,
    attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
  };
  if (message) payload.message = message;
  return payload;
}

/** Interaction tokens look like Discord's: long, url-safe, unique. */
function interactionToken(id: string): string {
  const head = Buffer.from(`interaction:${id}:`).toString("base64url");
  return `${head}${randomBytes(96).toString("base64url")}`;
}
