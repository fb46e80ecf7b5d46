import { once } from "node:events";
import { Client, Events, GatewayIntentBits, PermissionFlagsBits } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { DiscordStandIn } from "../stand-in/index.ts";
import { type Connected, connectClient, TEST_WORLD } from "./connect-client.ts";

describe("a real discord.js client against the stand-in", () => {
  let connected: Connected | undefined;
  afterEach(async () => {
    await connected?.close();
    connected = undefined;
  });

  it("becomes ready and sees the guild's channels, roles and its own member", async () => {
    connected = await connectClient();
    const { client, discord } = connected;
    const guild = client.guilds.cache.get(discord.guild("Tasklane HQ").id)!;
    expect(guild.name).toBe("Tasklane HQ");
    expect(guild.ownerId).toBe(discord.user("olivia").id);
    expect(guild.channels.cache.map((c) => c.name).sort()).toEqual(["announcements", "backend", "general"]);
    expect(guild.roles.cache.map((r) => r.name).sort()).toEqual([
      "@everyone",
      "Admin",
      "Reviewer",
      "Tasklane",
    ]);
    expect(
      guild.roles.cache.find((r) => r.name === "Admin")!.permissions.has(PermissionFlagsBits.Administrator),
    ).toBe(true);
    expect(client.user.id).toBe(discord.botUser.id);
    expect(client.application.id).toBe(discord.applicationId);
    // without GUILD_PRESENCES, GUILD_CREATE carries only the bot's own member, as on Discord
    expect(guild.members.cache.map((m) => m.id)).toEqual([discord.botUser.id]);
    expect(
      guild.members
        .me!.permissionsIn(guild.channels.cache.find((c) => c.name === "general")!)
        .has("SendMessages"),
    ).toBe(true);
  });

  it("discovers the gateway through GET /gateway/bot with the bot token", async () => {
    connected = await connectClient();
    const discovery = await connected.discord.waitForRequest({ method: "GET", route: "/gateway/bot" });
    expect(discovery.status).toBe(200);
    expect(discovery.headers.authorization).toBe("Bot fake-token");
    expect(discovery.response).toMatchObject({ url: connected.discord.gatewayUrl, shards: 1 });
  });

  it("acknowledges heartbeats, so the client measures a ping", async () => {
    connected = await connectClient({ ...TEST_WORLD, heartbeatIntervalMs: 100 });
    const { client } = connected;
    // discord.js sets the ping only from a HEARTBEAT_ACK (-1 until one arrives) and says so in its debug log.
    const acknowledged = new Promise<number>((resolve) => {
      const onDebug = (line: string) => {
        const latency = /Heartbeat acknowledged, latency of (\d+)ms/.exec(line);
        if (!latency) return;
        client.off(Events.Debug, onDebug);
        resolve(Number(latency[1]));
      };
      client.on(Events.Debug, onDebug);
    });
    const latency = await acknowledged;
    expect(client.ws.ping).toBe(latency);
    // A loopback round trip, well inside one heartbeat interval.
    expect(latency).toBeLessThan(100);
  });

  it("fetches members, roles, the application and the bot user over REST", async () => {
    connected = await connectClient();
    const { client, discord } = connected;
    const guild = client.guilds.cache.first()!;
    const rita = await guild.members.fetch(discord.user("rita").id);
    expect(rita.roles.cache.map((r) => r.name)).toContain("Reviewer");
    await expect(guild.members.fetch("123456789012345678")).rejects.toMatchObject({ code: 10007 });
    const roles = await guild.roles.fetch();
    expect(roles.size).toBe(4);
    const app = await client.application.fetch();
    expect(app.name).toBe("Tasklane");
    const me = await client.users.fetch(discord.botUser.id, { force: true });
    expect(me.bot).toBe(true);
  });

  it("answers 404 for a route it does not know, and lists it", async () => {
    connected = await connectClient();
    const { client, discord } = connected;
    await expect(client.rest.get("/guilds/1/audit-logs" as `/${string}`)).rejects.toMatchObject({
      status: 404,
      rawError: { message: "404: Not Found", code: 0 },
    });
    expect(discord.unknownRequests().map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /guilds/1/audit-logs",
    ]);
  });

  it("refuses a wrong token when one is configured", async () => {
    const discord = await DiscordStandIn.start({ ...TEST_WORLD, token: "the-real-token" });
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
    try {
      await expect(client.login("a-wrong-token")).rejects.toMatchObject({ code: "TokenInvalid" });
      const ok = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
      const ready = once(ok, Events.ClientReady);
      await ok.login("the-real-token");
      await ready;
      await ok.destroy();
    } finally {
      await client.destroy();
      await discord.stop();
    }
  });

  it("closes the gateway with 4014 when the client asks for a privileged intent the app lacks", async () => {
    const discord = await DiscordStandIn.start({ ...TEST_WORLD, privilegedIntents: [] });
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent],
      rest: { api: discord.apiUrl },
    });
    const disconnected = once(client, Events.ShardDisconnect);
    try {
      void client.login("fake-token").catch(() => {});
      const [event] = (await disconnected) as [{ code: number }];
      expect(event.code).toBe(4014);
    } finally {
      await client.destroy();
      await discord.stop();
    }
  });
});
