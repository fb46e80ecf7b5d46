import { EventEmitter } from "node:events";
import type { Server } from "node:http";
import { assembleCore } from "./assemble-core.ts";
import type { Core, InteractionEventName } from "./core.ts";
import { DiscordApiError, StandInUsageError } from "./errors.ts";
import { Intent } from "./gateway/intents.ts";
import { listenOn } from "./http-server.ts";
import {
  type AutocompleteInput,
  autocomplete,
  messageContextMenu,
  type SlashCommandInput,
  slashCommand,
  userContextMenu,
  type Where,
} from "./interactions/commands.ts";
import { type ButtonInput, type ComponentInput, clickButton, selectMenu } from "./interactions/components.ts";
import { InteractionHandle } from "./interactions/handle.ts";
import { type ModalSubmitInput, submitModal } from "./interactions/modal-submit.ts";
import type { InteractionRecord } from "./interactions/record.ts";
import type { StandInOptions } from "./options.ts";
import { expandMentions } from "./payloads/expand-mentions.ts";
import { gatewayGuild } from "./payloads/guild.ts";
import { type Fault, FaultInjector, type FaultSpec } from "./rest/faults.ts";
import { type LoggedRequest, RequestLog, type RequestMatch } from "./rest/request-log.ts";
import { addGuildFromSpec, buildWorld, DEFAULT_WORLD } from "./state/build-world.ts";
import { MessageLog, type MessageMatch } from "./state/message-log.ts";
import type { StoredMessage } from "./state/messages.ts";
import type { MessageEvent } from "./state/messaging.ts";
import type { GuildState, World } from "./state/world.ts";
import type { GuildSpec } from "./state/world-spec.ts";
import { type InteractionLatency, type LatencySummary, latencies, summarize } from "./stats.ts";
import type { ApiChannel, ApiCommand, ApiMessage, ApiRole, ApiUser } from "./types.ts";
import type { WaitOptions } from "./wait.ts";

export interface StandInEvents {
  /** every REST request, after it was answered */
  request: [LoggedRequest];
  /** a message was created, edited or deleted (bot or user, public or ephemeral) */
  message: [MessageEvent];
  /** an interaction was dispatched, acknowledged, refused… */
  interaction: [InteractionEventName, InteractionRecord];
}

/**
 * A local Discord for a real discord.js client: REST under `apiUrl` (give it to the bot as
 * DISCORD_API_URL / `rest: { api }`) and a gateway on the same port, with a small world of guilds,
 * channels, roles and members. Tests drive it as Discord's users would and inspect what the bot did.
 */
export class DiscordStandIn extends EventEmitter<StandInEvents> {
  /** every REST call, in order */
  readonly requests = new RequestLog();
  private readonly faults = new FaultInjector();
  private readonly messageLog: MessageLog;
  private readonly core: Core;
  private readonly gatewayWaiters = new Set<() => void>();
  private server!: Server;
  private port = 0;

  private constructor(
    readonly world: World,
    readonly options: StandInOptions,
  ) {
    super();
    this.core = assembleCore(world, options, {
      gatewayUrl: () => this.gatewayUrl,
      cdnUrl: () => `http://127.0.0.1:${this.port}`,
      gatewayChanged: () => {
        for (const waiter of this.gatewayWaiters) waiter();
      },
      message: (event) => {
        this.messageLog.add(event);
        this.emit("message", event);
      },
      interaction: (name, record) => this.emit("interaction", name, record),
    });
    this.messageLog = new MessageLog(this.core.messages);
  }

  /** Listens on 127.0.0.1 (a free port unless `port` is given) with the world described by `options`. */
  static async start(options: StandInOptions = {}): Promise<DiscordStandIn> {
    const spec = options.guilds ? options : { ...options, guilds: DEFAULT_WORLD.guilds };
    const standIn = new DiscordStandIn(buildWorld(spec), options);
    const { server, port } = await listenOn(options.port ?? 0, {
      core: standIn.core,
      options,
      requests: standIn.requests,
      faults: standIn.faults,
      gatewayUrl: () => standIn.gatewayUrl,
      onRequest: (entry) => standIn.emit("request", entry),
    });
    standIn.server = server;
    standIn.port = port;
    return standIn;
  }

  /** Stops REST and the gateway; open connections are cut. */
  async stop(): Promise<void> {
    this.core.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Give this to the bot as DISCORD_API_URL (discord.js: `rest: { api }`); requests go to `${apiUrl}/v10/...`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** What GET /gateway/bot answers; the client appends ?v=10&encoding=json. */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  // ---- the world ----

  get botUser(): ApiUser {
    return this.world.botUser;
  }

  get applicationId(): string {
    return this.world.application.id;
  }

  /** by id or username */
  user(ref: string): ApiUser {
    return this.world.user(ref);
  }

  /** by id or name; without an argument, the only guild */
  guild(ref?: string): GuildState {
    return this.world.guild(ref);
  }

  /** by id or name (`general`, `#general`) */
  channel(ref: string, guild?: string): ApiChannel {
    return this.world.channel(ref, guild);
  }

  /** by id or name (`Reviewer`, `@everyone`) */
  role(ref: string, guild?: string): ApiRole {
    return this.world.role(ref, guild);
  }

  /** `<@id>` for a user (or the bot: `mention(standIn.botUser.id)`) */
  mention(user: string): string {
    return `<@${this.world.user(user).id}>`;
  }

  /** `@alice next in #backend` -> `<@id> next in <#id>`, as Discord's client turns typed names into mentions. */
  expandMentions(text: string, guild?: string): string {
    return expandMentions(this.world, this.world.guild(guild).id, text);
  }

  /** Guild-wide permission bits of a member (owner and Administrator: all). */
  permissionsOf(user: string, guild?: string): bigint {
    return this.world.basePermissions(this.world.guild(guild).id, this.world.user(user).id);
  }

  /** Adds a guild while running (the bot joins it): GUILD_CREATE goes to the session of its shard. */
  addGuild(spec: GuildSpec): GuildState {
    const guild = addGuildFromSpec(this.world, spec);
    this.core.gateway.dispatchToGuild(guild.id, "GUILD_CREATE", (session) =>
      session.has(Intent.Guilds) ? gatewayGuild(this.world, guild, session.has(Intent.GuildPresences)) : null,
    );
    return guild;
  }

  /** Commands a member of this guild can pick from: the guild's own, then global ones. */
  commandsIn(guild?: string): ApiCommand[] {
    return this.core.commands.visibleIn(this.world.guild(guild).id);
  }

  // ---- acting as Discord's users ----

  /** A member runs a slash command: `{ channelId: "general", userId: "alice", name: "task", subcommand: "create", options: { title: "x" } }`. */
  sendSlashCommand(input: SlashCommandInput): InteractionHandle {
    return this.handle(slashCommand(this.core, input));
  }

  /** A member types into an option with autocomplete; `focused` names it, its value is the text typed so far. */
  autocomplete(input: AutocompleteInput): InteractionHandle {
    return this.handle(autocomplete(this.core, input));
  }

  /** A member clicks a button on a message, found by custom_id or by label. */
  clickButton(input: ButtonInput): InteractionHandle {
    return this.handle(clickButton(this.core, input));
  }

  /** A member picks values in a string select menu. */
  selectMenu(input: ComponentInput & { customId: string; values: string[] }): InteractionHandle {
    return this.handle(selectMenu(this.core, input));
  }

  /** A member submits the modal the bot opened for them. */
  submitModal(input: ModalSubmitInput): InteractionHandle {
    return this.handle(submitModal(this.core, input));
  }

  /** A member runs a message context-menu command on a message. */
  sendMessageContextMenu(
    input: Where & { name: string; message: string | { id: string } },
  ): InteractionHandle {
    return this.handle(messageContextMenu(this.core, input));
  }

  /** A member runs a user context-menu command on a user. */
  sendUserContextMenu(input: Where & { name: string; targetUserId: string }): InteractionHandle {
    return this.handle(userContextMenu(this.core, input));
  }

  /**
   * A member (or another bot) posts a message; MESSAGE_CREATE goes to the bot with `mentions` as
   * Discord computes them from `<@id>` in the content. `mentions` (users) are put in front of the
   * content as `<@id>`, as the client's autocomplete would.
   */
  sendMessage(input: {
    channelId: string;
    authorId: string;
    content: string;
    guildId?: string;
    mentions?: string[];
    replyTo?: string | { id: string };
    mentionRepliedUser?: boolean;
  }): ApiMessage {
    const channel = this.world.channel(input.channelId, input.guildId);
    const author = this.world.user(input.authorId);
    if (!this.world.member(channel.guild_id, author.id))
      throw new Error(`${author.username} is not a member there`);
    const prefix = (input.mentions ?? []).map((u) => `${this.mention(u)} `).join("");
    const replyId = typeof input.replyTo === "string" ? input.replyTo : input.replyTo?.id;
    const replyTo = replyId ? this.core.messages.get(replyId) : undefined;
    if (replyId && !replyTo) throw new Error(`no message ${replyId} to reply to`);
    if (this.core.threads.isThread(channel)) {
      try {
        this.core.threads.beforeMessage(channel, author.id);
      } catch (error) {
        // Discord's client does not offer a locked thread's message box to those who cannot manage it.
        if (error instanceof DiscordApiError)
          throw new StandInUsageError(`${author.username}: ${error.message}`);
        throw error;
      }
    }
    return this.core.messaging.createUserMessage({
      channelId: channel.id,
      authorId: author.id,
      content: prefix + input.content,
      ...(replyTo ? { replyTo } : {}),
      ...(input.mentionRepliedUser !== undefined ? { mentionRepliedUser: input.mentionRepliedUser } : {}),
    }).message;
  }

  // ---- threads, as moderators handle them ----

  /** The thread started from a message (its id is the message's), if there is one. */
  threadOf(message: string | { id: string }): ApiChannel | undefined {
    const id = typeof message === "string" ? message : message.id;
    const channel = this.world.findChannel(id);
    return channel && this.core.threads.isThread(channel) ? channel : undefined;
  }

  /** A member starts a thread on a message, as Discord's client does (THREAD_CREATE). */
  startThread(input: { message: string | { id: string }; userId: string; name: string }): ApiChannel {
    const id = typeof input.message === "string" ? input.message : input.message.id;
    const stored = this.core.messages.get(id);
    if (!stored || stored.deleted || stored.ephemeral) throw new StandInUsageError(`no message ${id}`);
    const parent = this.world.channel(stored.message.channel_id);
    try {
      return this.core.threads.startFromMessage(parent, stored, this.world.user(input.userId).id, {
        name: input.name,
      });
    } catch (error) {
      if (error instanceof DiscordApiError) throw new StandInUsageError(error.message);
      throw error;
    }
  }

  /** A moderator archives a thread (and with `locked`, locks it): THREAD_UPDATE. */
  archiveThread(thread: string, options: { locked?: boolean } = {}): ApiChannel {
    const channel = this.world.channel(thread);
    this.core.threads.update(channel, { archived: true, ...(options.locked ? { locked: true } : {}) });
    return channel;
  }

  /** A moderator deletes a thread: THREAD_DELETE; Unknown Channel (10003) for it from now on. */
  deleteThread(thread: string): void {
    const channel = this.world.channel(thread);
    this.core.threads.remove(channel, this.core.messages.get(channel.id));
  }

  // ---- what the bot did ----

  /** Messages everyone sees in a channel, oldest first, current state. */
  channelMessages(channel: string, guild?: string): ApiMessage[] {
    return this.core.messages.inChannel(this.world.channel(channel, guild).id).map((m) => m.message);
  }

  /** A message by id (any: public, ephemeral, deleted) with what Discord does not return (allowed_mentions, versions). */
  storedMessage(id: string): StoredMessage | undefined {
    return this.core.messages.get(id);
  }

  message(id: string): ApiMessage | undefined {
    return this.core.messages.get(id)?.message;
  }

  /** Position in the message log: pass as `since` to wait only for later messages. */
  messageMark(): number {
    return this.messageLog.mark();
  }

  /** Waits for a message created or edited (after `since`) that matches; answers its current state. */
  waitForMessage(
    match: Omit<MessageMatch, "channelId"> & { channelId?: string },
    options?: WaitOptions & { since?: number },
  ) {
    const channelId = match.channelId ? this.world.channel(match.channelId).id : undefined;
    return this.messageLog.waitFor({ ...match, ...(channelId ? { channelId } : {}) }, options);
  }

  waitForRequest(match: RequestMatch, options?: WaitOptions & { since?: number }): Promise<LoggedRequest> {
    return this.requests.waitFor(match, options);
  }

  /** REST calls the stand-in had no route for (each was answered 404 and logged as a warning). */
  unknownRequests(): LoggedRequest[] {
    return this.requests.entries.filter((r) => r.route === null);
  }

  interactions(): InteractionRecord[] {
    return this.core.interactions.all();
  }

  /** For each acknowledged interaction: ms from dispatch to the first callback. */
  interactionLatencies(): InteractionLatency[] {
    return latencies(this.core.interactions.all());
  }

  latencySummary(since = 0): LatencySummary {
    return summarize(this.core.interactions.all().filter((r) => r.dispatchedAt >= since));
  }

  // ---- faults and the gateway ----

  /** Makes matching REST calls fail (500, 429 with retry_after, a dropped connection) or answer late. */
  injectFault(spec: FaultSpec): Fault {
    return this.faults.inject(spec);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Resolves once the bot's sessions are identified and have their guilds, for every shard. */
  waitForBot(options: WaitOptions = {}): Promise<void> {
    if (this.core.gateway.isReady()) return Promise.resolve();
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!this.core.gateway.isReady()) return;
        this.gatewayWaiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.gatewayWaiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for the bot to connect to the gateway`));
      }, timeoutMs);
      this.gatewayWaiters.add(check);
    });
  }

  /** Gateway controls for reconnect tests. */
  get gateway() {
    const gateway = this.core.gateway;
    return {
      sessions: () => [...gateway.sessions.values()],
      connections: () => [...gateway.connections],
      /** op 7 Reconnect: clients reconnect and RESUME */
      requestReconnect: () => gateway.requestReconnect(),
      /** close every connection (default 4000, resumable), or `"abrupt"` to cut TCP */
      dropConnections: (code?: number | "abrupt") => gateway.dropConnections(code),
      /** op 9 (not resumable): clients identify again */
      invalidateSessions: () => gateway.invalidateSessions(),
    };
  }

  private handle(record: InteractionRecord): InteractionHandle {
    return new InteractionHandle(record, this.core.messages);
  }
}
