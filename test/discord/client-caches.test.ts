import { once } from "node:events";
import { type ButtonInteraction, type Client, Events, Routes } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiscordClient } from "../../src/discord/client.ts";
import type { InteractionExemptRest } from "../../src/discord/interaction-rest.ts";
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
      restHandlerSweepMs: 1_000,
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
      discord.sendMessage({ channelId: lane.id, authorId: member, content: `<@${client.user.id}> hello` });
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

  it("turns only messages that may mention the bot into messageCreate events (its own cards and small talk are not built)", async () => {
    const lane = discord.channel("lane");
    const seen: string[] = [];
    const listener = (message: { content: string }) => seen.push(message.content);
    client.on(Events.MessageCreate, listener);
    try {
      discord.sendMessage({ channelId: lane.id, authorId: MEMBERS[0]!, content: "small talk" });
      discord.sendMessage({
        channelId: lane.id,
        authorId: MEMBERS[1]!,
        content: `<@${client.user.id}> list`,
      });
      await expect.poll(() => seen).toEqual([`<@${client.user.id}> list`]);
      // The bot's own message, posted over REST, comes back on the gateway and is not built either.
      await client.rest.post(Routes.channelMessages(lane.id), {
        body: { content: `<@${client.user.id}> card` },
      });
      discord.sendMessage({
        channelId: lane.id,
        authorId: MEMBERS[2]!,
        content: `<@!${client.user.id}> queue`,
      });
      await expect.poll(() => seen.length).toBe(2);
      expect(seen).toEqual([`<@${client.user.id}> list`, `<@!${client.user.id}> queue`]);
    } finally {
      client.off(Events.MessageCreate, listener);
    }
  });

  it("builds a clicked message from its identity alone: a click's message keeps its id, channel and guild, not the card", async () => {
    const lane = discord.channel("lane");
    const posted = (await client.rest.post(Routes.channelMessages(lane.id), {
      body: {
        content: "A card",
        embeds: [{ title: "#1 A card", fields: [{ name: "Status", value: "Open" }] }],
        components: [
          { type: 1, components: [{ type: 2, style: 1, label: "Claim", custom_id: "t1:claim:1:1" }] },
        ],
      },
    })) as { id: string };
    const clicked = new Promise<ButtonInteraction>((resolve) =>
      client.once(Events.InteractionCreate, (interaction) => {
        if (interaction.isButton()) resolve(interaction);
      }),
    );
    discord.clickButton({ message: posted.id, userId: MEMBERS[3]!, customId: "t1:claim:1:1" });
    const interaction = await clicked;
    expect(interaction.customId).toBe("t1:claim:1:1");
    expect(interaction.message.id).toBe(posted.id);
    expect(interaction.message.channelId).toBe(lane.id);
    expect(interaction.message.guildId).toBe(discord.guild().id);
    expect(interaction.message.embeds).toEqual([]);
    expect(interaction.message.components).toEqual([]);
    expect(interaction.message.author).toBeNull();
    await interaction.deferUpdate();
  });

  it("forgets the per-token REST handler each interaction webhook leaves behind once it is idle", async () => {
    const rest = client.rest as InteractionExemptRest;
    const before = rest.handlerCount;
    // Each answer edit is keyed by its interaction's token: one handler per interaction (with the
    // library's hourly sweep, all 20 are still there at the deadline below).
    await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) =>
          rest
            .patch(Routes.webhookMessage(discord.applicationId, `token-${i}`, "@original"), {
              body: { content: "answer" },
              auth: false,
            })
            .catch(() => undefined), // unknown tokens: Discord's 404 is fine, the handler is what counts
      ),
    );
    const deadline = Date.now() + 10_000;
    while (rest.handlerCount > before && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rest.handlerCount).toBeLessThanOrEqual(before);
  });
});
