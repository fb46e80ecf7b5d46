import { once } from "node:events";
import { type Client, Events } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiscordClient } from "../../src/discord/client.ts";
import { silentLogger } from "../../src/log.ts";
import { DiscordStandIn } from "../stand-in/index.ts";

const TOKEN = "cache-test-token";
const MEMBERS = Array.from({ length: 40 }, (_, i) => `member${i}`);

/** The bot's discord.js caches with a real client on the stand-in: many people talking, little kept. */
describe("the Discord client's caches", () => {
  let discord: DiscordStandIn;
  let client: Client<true>;

  beforeAll(async () => {
    discord = await DiscordStandIn.start({
      token: TOKEN,
      guilds: [{ name: "Busy", owner: "owner", channels: ["lane"], members: ["owner", ...MEMBERS] }],
    });
    client = createDiscordClient({
      apiUrl: discord.apiUrl,
      log: silentLogger,
      cacheLimits: { members: 10, users: 15 },
    }) as Client<true>;
    const ready = once(client, Events.ClientReady);
    await client.login(TOKEN);
    await ready;
  });
  afterAll(async () => {
    await client?.destroy();
    await discord?.stop();
  });

  it("keeps at most the member and user limits however many people write, the bot's own always, and no messages", async () => {
    const lane = discord.channel("lane");
    let received = 0;
    const all = new Promise<void>((resolve) =>
      client.on(Events.MessageCreate, () => {
        received += 1;
        if (received === MEMBERS.length) resolve();
      }),
    );
    for (const member of MEMBERS)
      discord.sendMessage({ channelId: lane.id, authorId: member, content: "hello" });
    await all;

    const guild = client.guilds.cache.get(discord.guild().id)!;
    expect(guild.members.cache.size).toBeLessThanOrEqual(10);
    expect(client.users.cache.size).toBeLessThanOrEqual(15);
    // Permissions are computed from the bot's own member: it is never the one evicted.
    expect(guild.members.me?.id).toBe(client.user.id);
    expect(client.users.cache.has(client.user.id)).toBe(true);
    // The most recent author is cached (the cache holds the newest, not the first ten).
    const last = discord.user(MEMBERS.at(-1)!).id;
    expect(guild.members.cache.has(last)).toBe(true);
    const channel = guild.channels.cache.get(lane.id);
    expect(channel?.isTextBased() && channel.messages.cache.size).toBe(0);
  });
});
