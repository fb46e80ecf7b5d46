/**
 * A local Discord stand-in for the real discord.js client (tests, sandbox, benchmark).
 *
 *   const discord = await DiscordStandIn.start({ guilds: [{ name: "HQ", channels: ["general"], members: ["alice"] }] });
 *   const client = new Client({ intents: [Guilds, GuildMessages], rest: { api: discord.apiUrl } });
 *   await client.login("any-token");
 *   const ix = discord.sendSlashCommand({ channelId: "general", userId: "alice", name: "ping" });
 *   const reply = await ix.reply();
 */
export { DiscordApiError, StandInUsageError } from "./errors.ts";
export type { InteractionHandle } from "./interactions/handle.ts";
export type { CallbackInfo, InteractionEvent, InteractionRecord } from "./interactions/record.ts";
export { CallbackType, InteractionType } from "./interactions/record.ts";
export type { StandInOptions } from "./options.ts";
export { PERMISSION_FLAGS, type PermissionName } from "./permissions.ts";
export type { Fault, FaultSpec } from "./rest/faults.ts";
export type { RateLimitMode } from "./rest/rate-limits.ts";
export type { LoggedRequest, RequestMatch } from "./rest/request-log.ts";
export { DiscordStandIn, type StandInEvents } from "./stand-in.ts";
export type { MessageMatch } from "./state/message-log.ts";
export type { StoredMessage } from "./state/messages.ts";
export type { MessageEvent } from "./state/messaging.ts";
export type { GuildState } from "./state/world.ts";
export type { ChannelSpec, GuildSpec, MemberSpec, RoleSpec, WorldSpec } from "./state/world-spec.ts";
export type { InteractionLatency, LatencySummary } from "./stats.ts";
export type * from "./types.ts";
export { MessageFlag } from "./validate/message-body.ts";
