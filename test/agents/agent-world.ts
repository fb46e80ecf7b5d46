import { readFileSync } from "node:fs";
import { REST } from "discord.js";
import { type App, type AppOptions, createApp } from "../../src/app.ts";
import { createCache } from "../../src/cache/create-cache.ts";
import type { Cache } from "../../src/cache/types.ts";
import { loadConfig } from "../../src/config.ts";
import { deployCommands } from "../../src/deploy-commands.ts";
import { readJsonBlock } from "../../src/discord/delivery/json-block.ts";
import { createLogger, silentLogger } from "../../src/log.ts";
import { type ApiMessage, DiscordStandIn, type StandInOptions } from "../stand-in/index.ts";
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
} from "../support/test-db.ts";
import { useInSuite } from "../support/use-in-suite.ts";

export const agentSchema = JSON.parse(
  readFileSync(new URL("../../src/discord/delivery/assignment.schema.json", import.meta.url), "utf8"),
);

export const AGENT_NAMES = Array.from({ length: 20 }, (_, index) => `agent-${index}`);

/** HQ: alice owns it, rita reviews, bob is a member, twenty bot accounts are agents-to-be. */
export const WORLD: StandInOptions = {
  guilds: [
    {
      name: "HQ",
      owner: "alice",
      roles: [{ name: "Reviewer" }],
      channels: ["lane", "other"],
      members: [
        "alice",
        { username: "rita", roles: ["Reviewer"] },
        "bob",
        ...AGENT_NAMES.map((username) => ({ username, bot: true })),
      ],
    },
  ],
};

export interface AgentWorld {
  discord: DiscordStandIn;
  app: App;
  testDb: TestDatabase;
  cache: Cache;
  /** The Redis key prefix of `cache`: a second instance's cache shares it. */
  redisPrefix: string;
  /** `<@bot>` as agents type it. */
  botMention: string;
  id(user: string): string;
  /** A member or agent runs a slash command and waits for its reply. */
  slash(
    userId: string,
    name: string,
    subcommand: string,
    options?: Record<string, string | number | boolean>,
    group?: string,
  ): Promise<ApiMessage>;
  /** An agent (or member) mentions the bot in #lane; resolves with the bot's reply to that message. */
  mention(
    userId: string,
    text: string,
    options?: { timeoutMs?: number; channel?: string },
  ): Promise<ApiMessage>;
  /** Public bot messages in #lane that mention `userId` and carry an assignment json block. */
  assignmentsFor(userId: string): ApiMessage[];
  stop(): Promise<void>;
}

export interface AgentWorldOptions {
  app?: Partial<Omit<AppOptions, "config" | "log">>;
  env?: Record<string, string>;
  standIn?: Partial<StandInOptions>;
}

/** The real bot (createApp) against the stand-in, a database of its own, and Redis under a unique prefix. */
/** The world for the enclosing suite: started in beforeAll, stopped in afterAll. */
export function useAgentWorld(options: AgentWorldOptions = {}): AgentWorld {
  return useInSuite(
    "the agent world",
    () => startAgentWorld(options),
    (world) => world.stop(),
  );
}

export async function startAgentWorld(options: AgentWorldOptions = {}): Promise<AgentWorld> {
  const discord = await DiscordStandIn.start({ ...WORLD, ...options.standIn });
  const testDb = await createTestDatabase();
  const redisPrefix = uniqueRedisPrefix();
  const cache = await createCache({
    redisUrl: testRedisUrl(),
    keyPrefix: redisPrefix,
    log: silentLogger,
    rateLimit: { capacity: 1000, windowSeconds: 10 },
    readRateLimit: { capacity: 1000, windowSeconds: 10 },
  });
  const config = loadConfig({
    DISCORD_TOKEN: "agent-test-token",
    DISCORD_API_URL: discord.apiUrl,
    DATABASE_URL: testDb.url,
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const rest = new REST({ api: discord.apiUrl }).setToken("agent-test-token");
  await deployCommands({ rest, applicationId: discord.applicationId, guildId: discord.guild("HQ").id });
  const app = await createApp({
    config,
    log: process.env.AGENT_TEST_LOG
      ? createLogger({ level: process.env.AGENT_TEST_LOG, format: "json" })
      : silentLogger,
    cache,
    http: false,
    skipMigrations: true,
    delivery: { pollMs: 100, retry: { baseMs: 100, capMs: 2_000, jitter: 0.2, maxFailures: 12 } },
    jobs: { intervalMs: 200 },
    ...options.app,
  });
  await app.start();
  await discord.waitForBot();
  const botMention = `<@${discord.botUser.id}>`;

  const world: AgentWorld = {
    discord,
    app,
    testDb,
    cache,
    redisPrefix,
    botMention,
    id: (user) => discord.user(user).id,
    async slash(userId, name, subcommand, slashOptions = {}, group) {
      const handle = discord.sendSlashCommand({
        channelId: "lane",
        userId,
        name,
        subcommand,
        ...(group ? { group } : {}),
        options: slashOptions,
      });
      return handle.reply({ timeoutMs: 5_000 });
    },
    async mention(userId, text, mentionOptions = {}) {
      const since = discord.messageMark();
      const sent = discord.sendMessage({
        channelId: mentionOptions.channel ?? "lane",
        authorId: userId,
        content: `${botMention} ${text}`,
      });
      return discord.waitForMessage(
        {
          sentBy: "bot",
          kind: "create",
          where: (message) => message.message_reference?.message_id === sent.id,
        },
        { since, timeoutMs: mentionOptions.timeoutMs ?? 5_000 },
      );
    },
    assignmentsFor(userId) {
      return discord
        .channelMessages("lane")
        .filter(
          (message) =>
            message.author.id === discord.botUser.id &&
            message.content.startsWith(`<@${userId}>`) &&
            isAssignment(message),
        );
    },
    async stop() {
      await app.stop().catch(() => undefined);
      await cache.close();
      await discord.stop();
      await testDb.drop();
    },
  };
  return world;
}

export function isAssignment(message: ApiMessage): boolean {
  try {
    return (readJsonBlock(message.content) as { type?: string }).type === "assignment";
  } catch {
    return false;
  }
}

export function jsonOf<T = Record<string, unknown>>(message: ApiMessage): T {
  return readJsonBlock(message.content) as T;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await sleep(25);
  }
}
