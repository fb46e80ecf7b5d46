import { REST } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployCommands } from "../../src/deploy-commands.ts";
import { DiscordStandIn } from "../stand-in/index.ts";
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
} from "../support/test-db.ts";
import { type BotProcess, killBot, spawnBot } from "./bot-process.ts";

const TOKEN = "lifecycle-token";

describe("a bot process starting and stopping (real processes, stand-in, Postgres, Redis)", () => {
  let discord: DiscordStandIn;
  let testDb: TestDatabase;
  const bots: BotProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    discord = await DiscordStandIn.start({
      token: TOKEN,
      guilds: [{ name: "HQ", owner: "alice", channels: ["lane"], members: ["alice", "bob"] }],
    });
    const rest = new REST({ api: discord.apiUrl }).setToken(TOKEN);
    await deployCommands({ rest, applicationId: discord.applicationId, guildId: discord.guild("HQ").id });
    testDb = await createTestDatabase();
    env = {
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      DATABASE_URL: testDb.url,
      HTTP_PORT: "0",
      HTTP_HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      RATE_LIMIT_WRITES: "100000",
    };
  }, 60_000);

  afterAll(async () => {
    await Promise.all(bots.map(killBot));
    await discord?.stop();
    await testDb?.drop();
  });

  function start(name: string, extra: Record<string, string>): BotProcess {
    const bot = spawnBot(name, { ...env, ...extra });
    bots.push(bot);
    return bot;
  }

  it("without Redis, a second instance on the same database refuses to start with one clear line; allowed, it starts", async () => {
    const first = start("first", {});
    await first.ready;
    const second = start("second", {});
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.otherOutput.join("")).toContain(
      "Another Tasklane instance is already running on this database without REDIS_URL.",
    );
    const allowed = start("allowed", { ALLOW_INSTANCES_WITHOUT_REDIS: "true" });
    await allowed.ready;
    for (const bot of [first, allowed]) {
      bot.signal("SIGTERM");
      expect(await bot.exited).toEqual({ code: 0, signal: null });
    }
  }, 60_000);

  it("SIGTERM with interactions in flight: they are answered, the process exits 0 within the grace period", async () => {
    const bot = start("draining", {
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: uniqueRedisPrefix(),
      SHUTDOWN_GRACE_MS: "4000",
    });
    await bot.ready;
    await discord.waitForBot();
    // Each answer takes 0.8 s to reach Discord: the interactions are still in flight at the signal.
    discord.injectFault({ route: "/interactions/:interactionId/:token/callback", delayMs: 800, times: 8 });
    const handles = Array.from({ length: 8 }, (_, index) =>
      discord.sendSlashCommand({
        channelId: "lane",
        userId: index % 2 ? "alice" : "bob",
        name: "task",
        subcommand: "create",
        options: { title: `Before the stop ${index}` },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    const stoppedAt = Date.now();
    bot.signal("SIGTERM");
    const late = discord.sendSlashCommand({
      channelId: "lane",
      userId: "alice",
      name: "task",
      subcommand: "create",
      options: { title: "During the stop" },
    });
    const replies = await Promise.all(handles.map((handle) => handle.reply({ timeoutMs: 5_000 })));
    for (const [index, reply] of replies.entries())
      expect(String(reply.embeds[0]?.title ?? reply.content)).toContain(`Before the stop ${index}`);
    expect((await late.reply({ timeoutMs: 5_000 })).content).toBe(
      "Tasklane is restarting; try again in a few seconds.",
    );
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(4_000 + 3_000);
    expect(bot.lines.map((line) => line.msg)).toContain("tasklane stopped");
    expect(bot.lines.filter((line) => line.level >= 50)).toEqual([]);
  }, 60_000);
});
