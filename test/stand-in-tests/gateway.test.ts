import { once } from "node:events";
import { constants, inflateSync } from "node:zlib";
import { Events, type Message } from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { DiscordStandIn } from "../stand-in/index.ts";
import { type Connected, connectClient, TEST_WORLD } from "./connect-client.ts";

describe("a discord.js client that loses its gateway connection", () => {
  let connected: Connected | undefined;
  afterEach(async () => {
    await connected?.close();
    connected = undefined;
  });

  it("resumes its session and receives what was dispatched while it was away", async () => {
    connected = await connectClient();
    const { client, discord } = connected;
    const [session] = discord.gateway.sessions();
    const resumed = once(client, Events.ShardResume);
    const received = new Promise<Message>((resolve) => client.on(Events.MessageCreate, resolve));
    discord.gateway.dropConnections();
    discord.sendMessage({
      channelId: "general",
      authorId: "bob",
      content: `${discord.mention(discord.botUser.id)} still there?`,
    });
    await resumed;
    expect((await received).content).toContain("still there?");
    expect(discord.gateway.sessions().map((s) => s.id)).toEqual([session!.id]);
    expect(discord.gateway.connections()).toHaveLength(1);
  });

  it("reconnects and resumes when told to (op 7)", async () => {
    connected = await connectClient();
    const { client, discord } = connected;
    const resumed = once(client, Events.ShardResume);
    discord.gateway.requestReconnect();
    await resumed;
    expect(discord.gateway.sessions()).toHaveLength(1);
    await discord.waitForBot();
  });
});

describe("shards", () => {
  it("sends each guild's events to the shard that owns it, and a guild added later to its shard", async () => {
    // (guild_id >> 22) % 2 decides the shard: these ids land on shards 0 and 1
    const onShard = (ms: number) => (BigInt(ms) << 22n).toString();
    const connected = await connectClient(
      {
        shards: 2,
        maxConcurrency: 2,
        guilds: [
          { id: onShard(1_000_000_000_000), name: "Even", channels: ["general"], members: ["olivia"] },
          { id: onShard(1_000_000_000_001), name: "Odd", channels: ["general"], members: ["olivia"] },
        ],
      },
      { shards: "auto" },
    );
    try {
      const { client, discord } = connected;
      expect(discord.gateway.sessions().map((s) => s.shard)).toEqual([
        [0, 2],
        [1, 2],
      ]);
      expect(client.guilds.cache.map((g) => [g.name, g.shardId]).sort()).toEqual([
        ["Even", 0],
        ["Odd", 1],
      ]);
      const joined = once(client, Events.GuildCreate);
      const third = discord.addGuild({
        id: onShard(1_000_000_000_003),
        name: "Third",
        channels: ["lobby"],
        members: ["olivia"],
      });
      const [guild] = (await joined) as [{ id: string; shardId: number }];
      expect(guild.id).toBe(third.id);
      expect(guild.shardId).toBe(1);
    } finally {
      await connected.close();
    }
  });
});

describe("the gateway protocol, spoken by hand", () => {
  let discord: DiscordStandIn;
  beforeAll(async () => {
    discord = await DiscordStandIn.start({ ...TEST_WORLD, heartbeatIntervalMs: 5000 });
  });
  afterAll(() => discord.stop());

  async function open(query = "v=10&encoding=json") {
    const socket = new WebSocket(`${discord.gatewayUrl}?${query}`);
    const frames: WebSocket.RawData[] = [];
    const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
    socket.on("message", (data) => frames.push(data));
    await once(socket, "open");
    const next = async () => {
      while (frames.length === 0) await new Promise((r) => setTimeout(r, 5));
      return JSON.parse(frames.shift()!.toString()) as {
        op: number;
        t?: string;
        s?: number;
        d: Record<string, unknown>;
      };
    };
    return { socket, next, closed, frames };
  }
  const identify = (intents: number, token = "t") =>
    JSON.stringify({ op: 2, d: { token, intents, properties: {} } });

  it("says HELLO, acknowledges heartbeats, and answers IDENTIFY with READY then GUILD_CREATE", async () => {
    const { socket, next } = await open();
    expect(await next()).toMatchObject({ op: 10, d: { heartbeat_interval: 5000 } });
    socket.send(JSON.stringify({ op: 1, d: null }));
    expect(await next()).toMatchObject({ op: 11 });
    socket.send(identify(1));
    const ready = await next();
    expect(ready).toMatchObject({ op: 0, t: "READY", s: 1, d: { v: 10, user: { id: discord.botUser.id } } });
    expect(ready.d.guilds).toEqual([{ id: discord.guild().id, unavailable: true }]);
    expect(ready.d.resume_gateway_url).toBe(discord.gatewayUrl);
    expect(ready.d.application).toMatchObject({ id: discord.applicationId });
    expect(await next()).toMatchObject({
      t: "GUILD_CREATE",
      s: 2,
      d: { id: discord.guild().id, unavailable: false },
    });
    socket.close();
  });

  it("closes with Discord's codes for bad intents, unknown opcodes, a second IDENTIFY and a wrong version", async () => {
    const badIntents = await open();
    badIntents.socket.send(identify(1 << 30));
    expect(await badIntents.closed).toBe(4013);
    const unknownOp = await open();
    unknownOp.socket.send(JSON.stringify({ op: 42, d: null }));
    expect(await unknownOp.closed).toBe(4001);
    const twice = await open();
    twice.socket.send(identify(1));
    twice.socket.send(identify(1));
    expect(await twice.closed).toBe(4005);
    const oldVersion = await open("v=9&encoding=json");
    expect(await oldVersion.closed).toBe(4012);
  });

  it("answers a RESUME of an unknown session with op 9 (not resumable)", async () => {
    const { socket, next } = await open();
    await next();
    socket.send(JSON.stringify({ op: 6, d: { token: "t", session_id: "nope", seq: 3 } }));
    expect(await next()).toEqual({ op: 9, d: false });
    socket.close();
  });

  it("compresses the whole connection with ?compress=zlib-stream", async () => {
    const { socket, frames } = await open("v=10&encoding=json&compress=zlib-stream");
    while (frames.length < 1) await new Promise((r) => setTimeout(r, 5));
    socket.send(identify(1));
    while (frames.length < 3) await new Promise((r) => setTimeout(r, 5));
    const stream = Buffer.concat(frames.map((f) => f as Buffer));
    expect(stream.subarray(-4)).toEqual(Buffer.from([0, 0, 0xff, 0xff]));
    const text = inflateSync(stream, { finishFlush: constants.Z_SYNC_FLUSH }).toString();
    expect(text).toContain('"op":10');
    expect(text).toContain('"t":"READY"');
    socket.close();
  });
});
