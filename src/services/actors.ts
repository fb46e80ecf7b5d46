import type { Permission, ServerPermission } from "../domain/roles.ts";
import type { ActionContext, Actor } from "./contracts.ts";

export interface PlainActor {
  userId: string;
  roleIds?: readonly string[];
  /** Manage Channels here means: in every channel. */
  permissions?: readonly Permission[];
  isBot?: boolean;
}

/**
 * An actor with the same rights in every channel: Tasklane's own jobs (acting for an agent it
 * assigned), scripts, and service tests. The Discord layer never builds one: it computes rights per
 * channel (src/discord/actor.ts).
 */
export function actorEverywhere({ userId, roleIds = [], permissions = [], isBot }: PlainActor): Actor {
  const serverWide = permissions.filter((p): p is ServerPermission => p !== "manage_channels");
  const manageChannels = permissions.includes("manage_channels") || permissions.includes("administrator");
  return {
    userId,
    roleIds,
    permissions: serverWide,
    ...(isBot === undefined ? {} : { isBot }),
    in: () => ({ view: true, send: true, manageChannels }),
    viewableChannelIds: () => "all",
  };
}

/**
 * Tasklane reading for itself (rendering a card for its channel, jobs, scripts, tests): sees every
 * channel. Never built from a Discord user.
 */
export function systemReader(guildId: string): ActionContext {
  return {
    guildId,
    channelId: guildId,
    actor: actorEverywhere({ userId: guildId, isBot: true }),
    source: "system",
  };
}
