import { REST, Routes } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InteractionExemptRest } from "../../src/discord/interaction-rest.ts";
import { DiscordStandIn } from "../stand-in/index.ts";
import { TEST_WORLD } from "../stand-in-tests/connect-client.ts";

/**
 * Discord does not count interaction endpoints against the bot's global limit; @discordjs/rest counts
 * every request but the callback. With the global budget spent, a channel post has to wait for the next
 * second while an interaction webhook edit goes out at once: it reaches Discord first.
 */
describe("interaction webhooks and the global rate limit", () => {
  let discord: DiscordStandIn;
  beforeAll(async () => {
    discord = await DiscordStandIn.start(TEST_WORLD);
  });
  afterAll(() => discord.stop());

  async function orderWhenGlobalSpent(rest: REST): Promise<{ post: number; webhook: number }> {
    rest.setToken("t");
    const channel = discord.channel("general").id;
    const post = () => rest.post(Routes.channelMessages(channel), { body: { content: "card" } });
    await post();
    await post(); // the budget of 2 per second is spent
    const since = discord.requests.entries.length;
    const held = post();
    const webhook = rest
      .patch(Routes.webhookMessage(discord.applicationId, "interaction-token", "@original"), {
        body: { content: "answer" },
        auth: false,
      })
      .catch(() => undefined); // an unknown token: Discord's 404 is fine, the order is what counts
    await Promise.all([held, webhook]);
    const later = discord.requests.entries.slice(since);
    return {
      post: later.findIndex((r) => r.method === "POST"),
      webhook: later.findIndex((r) => r.path.startsWith("/webhooks/")),
    };
  }

  it("sends an interaction's edit ahead of channel posts held by the global limit", async () => {
    const order = await orderWhenGlobalSpent(
      new InteractionExemptRest({ api: discord.apiUrl, globalRequestsPerSecond: 2 }),
    );
    expect(order.webhook).toBeGreaterThanOrEqual(0);
    expect(order.webhook).toBeLessThan(order.post);
  });

  it("(plain @discordjs/rest holds the edit behind them, which is what the exemption fixes)", async () => {
    const order = await orderWhenGlobalSpent(new REST({ api: discord.apiUrl, globalRequestsPerSecond: 2 }));
    expect(order.post).toBeGreaterThanOrEqual(0);
    expect(order.post).toBeLessThan(order.webhook);
  });
});
