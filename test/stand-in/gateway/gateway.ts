import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import { StandInUsageError } from "../errors.ts";
import { shardForGuild } from "../snowflake.ts";
import type { World } from "../state/world.ts";
import type { JsonObject, Snowflake } from "../types.ts";
import { Connection, type ConnectionHost } from "./connection.ts";
import { zlibStreamEncoder } from "./encoder.ts";
import { readyPayloads, validateIdentify } from "./identify.ts";
import { CloseCode, GatewayOp, Intent } from "./intents.ts";
import { GatewaySession } from "./session.ts";

export interface GatewayConfig {
  heartbeatIntervalMs: number;
  /** the token IDENTIFY/RESUME must carry; undefined accepts any non-empty token */
  token: string | undefined;
  /** privileged intents the application has switched on (bitmask) */
  allowedPrivilegedIntents: number;
  /** where clients connect, e.g. ws://127.0.0.1:PORT/gateway */
  url(): string;
}

/** The gateway WebSocket: sessions, READY and GUILD_CREATE, resume and replay, dispatch to a guild's shard. */
export class Gateway implements ConnectionHost {
  readonly sessions = new Map<string, GatewaySession>();
  readonly connections = new Set<Connection>();
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(
    private readonly world: World,
    private readonly config: GatewayConfig,
    private readonly logger: Logger,
    private readonly changed: () => void,
  ) {}

  get heartbeatIntervalMs(): number {
    return this.config.heartbeatIntervalMs;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://stand-in");
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const compress = url.searchParams.get("compress");
      const connection = new Connection(ws, compress === "zlib-stream" ? zlibStreamEncoder() : null, this);
      this.connections.add(connection);
      if (url.searchParams.get("v") !== "10")
        connection.close(CloseCode.InvalidApiVersion, "Invalid API version.");
      const encoding = url.searchParams.get("encoding") ?? "json";
      if (encoding !== "json") {
        this.logger.warn({ encoding }, "stand-in gateway: only encoding=json is supported");
        connection.close(CloseCode.DecodeError, "Unsupported encoding.");
      }
    });
  }

  identify(connection: Connection, d: JsonObject): void {
    const refusal = validateIdentify(d, this.config);
    if (refusal) {
      connection.close(refusal.code, refusal.reason);
      return;
    }
    const shard = (Array.isArray(d.shard) ? d.shard : [0, 1]) as [number, number];
    const session = new GatewaySession(shard, d.intents as number, d.compress === true);
    this.sessions.set(session.id, session);
    connection.session = session;
    session.link = connection;
    const resumeUrl = this.config.url();
    for (const { t, d: data } of readyPayloads(this.world, session, resumeUrl)) session.dispatch(t, data);
    session.ready = true;
    this.logger.debug(
      { sessionId: session.id, shard, intents: session.intents },
      "stand-in gateway: identified",
    );
    this.changed();
  }

  resume(connection: Connection, d: JsonObject): void {
    const session = this.sessions.get(String(d.session_id));
    const tokenOk = this.config.token === undefined ? Boolean(d.token) : d.token === this.config.token;
    if (!tokenOk) {
      connection.close(CloseCode.AuthenticationFailed, "Authentication failed.");
      return;
    }
    const replay = session?.replayAfter(Number(d.seq ?? 0));
    if (!session || !replay) {
      connection.send({ op: GatewayOp.InvalidSession, d: false });
      return;
    }
    if (session.link && session.link !== connection)
      (session.link as Connection).close(CloseCode.UnknownError);
    connection.session = session;
    session.link = connection;
    for (const payload of replay) connection.send(payload, session.compress);
    session.dispatch("RESUMED", { _trace: ['["stand-in-gateway"]'] });
    this.logger.debug({ sessionId: session.id, replayed: replay.length }, "stand-in gateway: resumed");
    this.changed();
  }

  requestGuildMembers(connection: Connection, d: JsonObject): void {
    const session = connection.session!;
    const guildIds = (Array.isArray(d.guild_id) ? d.guild_id : [d.guild_id]) as string[];
    const userIds = Array.isArray(d.user_ids)
      ? (d.user_ids as string[])
      : typeof d.user_ids === "string"
        ? [d.user_ids]
        : null;
    const query = typeof d.query === "string" ? d.query.toLowerCase() : null;
    if (!userIds && !session.has(Intent.GuildMembers) && (query === "" || query === null)) {
      connection.close(CloseCode.DisallowedIntents, "Disallowed intent(s).");
      return;
    }
    const limit = typeof d.limit === "number" && d.limit > 0 ? d.limit : Number.POSITIVE_INFINITY;
    for (const guildId of guildIds) {
      const guild = this.world.findGuild(guildId);
      if (!guild) continue;
      const found = [...guild.members.keys()]
        .filter((id) => (userIds ? userIds.includes(id) : true))
        .filter((id) => !query || this.world.users.get(id)!.username.toLowerCase().startsWith(query))
        .slice(0, limit);
      const chunk: JsonObject = {
        guild_id: guildId,
        members: found.map((id) => this.world.member(guildId, id)) as unknown as JsonObject[],
        chunk_index: 0,
        chunk_count: 1,
      };
      if (userIds) chunk.not_found = userIds.filter((id) => !guild.members.has(id));
      if (d.nonce !== undefined) chunk.nonce = d.nonce;
      session.dispatch("GUILD_MEMBERS_CHUNK", chunk);
    }
  }

  closed(connection: Connection, code: number): void {
    this.connections.delete(connection);
    const session = connection.session;
    if (session && session.link === connection) {
      session.link = null;
      // a client that closes with 1000/1001 ends its session; any other code keeps it resumable
      if (code === 1000 || code === 1001) this.sessions.delete(session.id);
    }
    this.changed();
  }

  /**
   * The sessions that receive a guild's events: every connected session identified for the guild's
   * shard (Discord lets several sessions run one shard, as in a rolling deploy, and sends each of them
   * every dispatch), else one disconnected session that may still resume and be replayed to.
   */
  sessionsForGuild(guildId: Snowflake): GatewaySession[] {
    const connected: GatewaySession[] = [];
    let fallback: GatewaySession | undefined;
    for (const session of this.sessions.values()) {
      const [id, count] = session.shard;
      if (shardForGuild(guildId, count) !== id) continue;
      if (session.link?.open) connected.push(session);
      else fallback = session;
    }
    return connected.length > 0 ? connected : fallback ? [fallback] : [];
  }

  requireSessionsForGuild(guildId: Snowflake): GatewaySession[] {
    const sessions = this.sessionsForGuild(guildId);
    if (sessions.length === 0) {
      throw new StandInUsageError(
        `no bot session on the gateway for guild ${guildId}: is the bot logged in?`,
      );
    }
    return sessions;
  }

  /** Sends an event of a guild to its sessions; `build` may return null to skip (e.g. a missing intent). */
  dispatchToGuild(
    guildId: Snowflake,
    t: string,
    build: (session: GatewaySession) => JsonObject | null,
  ): boolean {
    let sent = false;
    for (const session of this.sessionsForGuild(guildId)) {
      const d = build(session);
      if (!d) continue;
      session.dispatch(t, d);
      sent = true;
    }
    return sent;
  }

  /** Ready when sessions cover every shard of the shard count they identified with. */
  isReady(): boolean {
    const ready = [...this.sessions.values()].filter((s) => s.ready && s.link?.open);
    const count = ready[0]?.shard[1];
    if (count === undefined) return false;
    const shards = new Set(ready.filter((s) => s.shard[1] === count).map((s) => s.shard[0]));
    return shards.size === count;
  }

  /** op 7: asks every connected client to reconnect and resume. */
  requestReconnect(): void {
    for (const c of this.connections) c.send({ op: GatewayOp.Reconnect, d: null });
  }

  /** Closes every connection: with a close code (default 4000, resumable), or abruptly with `code: "abrupt"`. */
  dropConnections(code: number | "abrupt" = CloseCode.UnknownError): void {
    for (const c of this.connections) {
      if (code === "abrupt") c.terminate();
      else c.close(code);
    }
  }

  /** op 9 with d=false: the sessions are gone; clients must identify again. */
  invalidateSessions(): void {
    for (const c of this.connections) c.send({ op: GatewayOp.InvalidSession, d: false });
    this.sessions.clear();
  }

  close(): void {
    for (const c of this.connections) c.terminate();
    this.wss.close();
  }
}
