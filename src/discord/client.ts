import { Client, GatewayIntentBits, Options } from "discord.js";
import type { Logger } from "../log.ts";
import { InteractionExemptRest } from "./interaction-rest.ts";
import { NO_PINGS } from "./respond.ts";

export interface DiscordClientOptions {
  /** Base of the REST API (a proxy, or the local stand-in); gateway discovery follows it. */
  apiUrl?: string;
  log: Logger;
  /** The bot's total shards and the ones this process runs (default: all, or Discord's one shard). */
  shards?: { count: number; ids?: readonly number[] };
  /** Members and users kept at most (the bot's own always stays); default DEFAULT_CACHE_LIMITS. */
  cacheLimits?: CacheLimits;
  /** How often REST forgets idle per-route handlers; default REST_HANDLER_SWEEP_MS. */
  restHandlerSweepMs?: number;
}

export interface CacheLimits {
  members: number;
  users: number;
}

export const DEFAULT_CACHE_LIMITS: CacheLimits = { members: 200, users: 2_000 };

/**
 * @discordjs/rest keys a webhook's handler by its token, so every interaction answered by editReply or
 * followUp leaves a handler behind; its default sweep (hourly) let a soak hold an hour of them. Idle
 * handlers hold no rate-limit state that Discord's next response headers do not restore.
 */
export const REST_HANDLER_SWEEP_MS = 60_000;

/**
 * Guilds (channels, roles, interactions) and GuildMessages (mentions of the bot carry their content
 * without the privileged Message Content intent). Nothing the bot sends pings by default. Caches hold
 * what permissions need (guilds, channels, roles, the bot's own member) and are bounded otherwise, so
 * memory stays flat however many members and messages pass through.
 */
export function createDiscordClient({
  apiUrl,
  log,
  shards,
  cacheLimits = DEFAULT_CACHE_LIMITS,
  restHandlerSweepMs = REST_HANDLER_SWEEP_MS,
}: DiscordClientOptions): Client {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    allowedMentions: NO_PINGS,
    rest: { ...(apiUrl ? { api: apiUrl } : {}), handlerSweepInterval: restHandlerSweepMs },
    ...(shards
      ? {
          shardCount: shards.count,
          shards: [...(shards.ids ?? Array.from({ length: shards.count }, (_, id) => id))],
        }
      : {}),
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      // Mentions are answered from the event's own message; cards are edited by id over REST.
      MessageManager: 0,
      PresenceManager: 0,
      ReactionManager: 0,
      VoiceStateManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      // Interactions and messages carry their member; the cache only saves a lookup for card names.
      GuildMemberManager: {
        maxSize: cacheLimits.members,
        keepOverLimit: (member) => member.id === member.client.user.id,
      },
      UserManager: {
        maxSize: cacheLimits.users,
        keepOverLimit: (user) => user.id === user.client.user.id,
      },
    }),
    sweepers: {
      ...Options.DefaultSweeperSettings,
      users: { interval: 600, filter: () => (user) => user.id !== user.client.user.id },
      guildMembers: { interval: 600, filter: () => (member) => member.id !== member.client.user.id },
    },
  });
  // Before login: the gateway and every handler then use it (interaction webhooks skip the global limit).
  client.rest = new InteractionExemptRest(client.options.rest);
  buildOnlyMessagesForUs(client);
  slimClickedMessages(client);
  client.on("warn", (message) => log.warn({ discord: message }, "discord.js warning"));
  client.on("error", (error) => log.error({ err: error }, "discord client error"));
  client.on("shardDisconnect", (event, shardId) =>
    log.warn({ shardId, code: event.code }, "gateway disconnected"),
  );
  client.on("shardReconnecting", (shardId) => log.info({ shardId }, "gateway reconnecting"));
  client.on("shardResume", (shardId) => log.info({ shardId }, "gateway resumed"));
  return client;
}

interface RawMessage {
  guild_id?: string;
  content?: string;
  webhook_id?: string;
  author?: { id: string };
}

/**
 * GuildMessages delivers every message in the bot's channels, its own cards included, and discord.js
 * builds a Message (author, member, mentions) for each before any listener sees it. Only a message
 * that may mention the bot (its id or its managed role's in the text, from someone else) becomes a
 * `messageCreate`; the mention handler makes the exact check on those.
 */
function buildOnlyMessagesForUs(client: Client): void {
  const action = (client as unknown as { actions: { MessageCreate: { handle(data: RawMessage): unknown } } })
    .actions.MessageCreate;
  const handle = action.handle.bind(action);
  action.handle = (data) => (mayMentionBot(client, data) ? handle(data) : {});
}

function mayMentionBot(client: Client, data: RawMessage): boolean {
  const botId = client.user?.id;
  if (!botId || data.author?.id === botId || data.webhook_id || !data.content) return false;
  if (data.content.includes(botId)) return true;
  const roleId = data.guild_id
    ? client.guilds.cache.get(data.guild_id)?.members.me?.roles.botRole?.id
    : undefined;
  return roleId !== undefined && data.content.includes(roleId);
}

interface RawInteraction {
  type: number;
  message?: RawClickedMessage;
}

interface RawClickedMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  type?: number;
  flags?: number;
  timestamp?: string;
}

/** Discord's interaction types whose payload carries the message they came from. */
const FROM_A_MESSAGE = new Set([3 /* MESSAGE_COMPONENT */, 5 /* MODAL_SUBMIT */]);

/**
 * A click (or a form opened from a card) carries the whole clicked message, and discord.js builds a
 * Message of it (author, member, mentions, embeds, components) for each one. Tasklane reads only the
 * clicked message's id (the custom_id names the task and version; the card is rendered from the
 * database), so discord.js gets the message's identity alone: the interaction's `message` is still a
 * Message, with its id, channel and guild, without the card's content.
 */
function slimClickedMessages(client: Client): void {
  const action = (
    client as unknown as { actions: { InteractionCreate: { handle(data: RawInteraction): unknown } } }
  ).actions.InteractionCreate;
  const handle = action.handle.bind(action);
  action.handle = (data) => {
    const message = data.message;
    if (message && FROM_A_MESSAGE.has(data.type)) data.message = slimMessage(message);
    return handle(data);
  };
}

function slimMessage(message: RawClickedMessage): RawClickedMessage {
  const { id, channel_id, guild_id, type, flags, timestamp } = message;
  return {
    id,
    channel_id,
    ...(guild_id !== undefined ? { guild_id } : {}),
    ...(type !== undefined ? { type } : {}),
    ...(flags !== undefined ? { flags } : {}),
    ...(timestamp !== undefined ? { timestamp } : {}),
  };
}
