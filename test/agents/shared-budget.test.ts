import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.ts";
import { createCache } from "../../src/cache/create-cache.ts";
import type { Cache } from "../../src/cache/types.ts";
import { loadConfig } from "../../src/config.ts";
import type { ReplyPayload } from "../../src/discord/delivery/agent-payload.ts";
import { silentLogger } from "../../src/log.ts";
import { testRedisUrl, uniqueRedisPrefix } from "../support/test-db.ts";
import { type AgentWorld, jsonOf, sleep, startAgentWorld } from "./agent-world.ts";

/**
 * The agents' command budget is one per bot account, whichever instance takes its mentions: here the
 * instances take turns (one stops, the next starts, as in a rolling deploy), sharing Postgres and Redis.
 */
const BUDGET = "3";
const prefix = uniqueRedisPrefix();
const caches: Cache[] = [];
const openCache = async () => {
  const cache = await createCache({
    redisUrl: testRedisUrl(),
    keyPrefix: prefix,
    log: silentLogger,
    rateLimit: { capacity: 1000, windowSeconds: 10 },
    readRateLimit: { capacity: 1000, windowSeconds: 10 },
  });
  caches.push(cache);
  return cache;
};

let world: AgentWorld;
const apps: App[] = [];
beforeAll(async () => {
  world = await startAgentWorld({ env: { AGENT_COMMAND_BUDGET: BUDGET }, app: { cache: await openCache() } });
}, 60_000);
afterAll(async () => {
  for (const app of apps) await app.stop().catch(() => undefined);
  await world?.stop();
  await Promise.all(caches.map((cache) => cache.close()));
});

/** Another instance of the same bot: same token, database and Redis prefix. */
async function nextInstance(): Promise<App> {
  const config = loadConfig({
    DISCORD_TOKEN: "agent-test-token",
    DISCORD_API_URL: world.discord.apiUrl,
    DATABASE_URL: world.testDb.url,
    LOG_LEVEL: "silent",
    AGENT_COMMAND_BUDGET: BUDGET,
  });
  const app = await createApp({
    config,
    log: silentLogger,
    cache: await openCache(),
    http: false,
    skipMigrations: true,
  });
  apps.push(app);
  await app.start();
  return app;
}

describe("an agent's mention-command budget across instances", () => {
  it("is spent on one instance and still spent on the next; the bot is told once, by one of them", async () => {
    const agent = world.id("agent-3");
    const repliesTo = (id: string) =>
      world.discord
        .channelMessages("lane")
        .filter((message) => message.message_reference?.message_id === id && message.author.bot);
    const quietAfter = async (text: string) => {
      const sent = world.discord.sendMessage({
        channelId: "lane",
        authorId: agent,
        content: `${world.botMention} ${text}`,
      });
      await world.mention(world.id("alice"), "help");
      await sleep(300);
      return repliesTo(sent.id);
    };

    for (let n = 0; n < 3; n += 1)
      expect(jsonOf<ReplyPayload>(await world.mention(agent, "next")).ok).toBe(true);
    await world.app.stop();

    const second = await nextInstance();
    const refused = await world.mention(agent, "next", { timeoutMs: 10_000 });
    expect(jsonOf<ReplyPayload>(refused)).toMatchObject({ ok: false, error: { code: "budget" } });
    await second.stop();

    await nextInstance();
    expect(await quietAfter("next")).toEqual([]);
  }, 90_000);
});
