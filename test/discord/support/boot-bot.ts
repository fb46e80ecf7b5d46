import { Writable } from "node:stream";
import { REST } from "discord.js";
import { type App, createApp } from "../../../src/app.ts";
import { createCache } from "../../../src/cache/create-cache.ts";
import type { Cache } from "../../../src/cache/types.ts";
import { loadConfig } from "../../../src/config.ts";
import { deployCommands } from "../../../src/deploy-commands.ts";
import { createLogger, type Logger } from "../../../src/log.ts";
import { DiscordStandIn, type StandInOptions } from "../../stand-in/index.ts";
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
} from "../../support/test-db.ts";
import { useInSuite } from "../../support/use-in-suite.ts";

export const BOT_TOKEN = "stand-in-bot-token";

export interface BootOptions {
  /** The pretend Discord: guilds, channels, roles, members. */
  world?: Pick<StandInOptions, "guilds" | "application">;
  /** "postgres" (default): a fresh migrated database of the run's server; "pglite": embedded, in memory. */
  database?: "postgres" | "pglite";
  /** "redis" (default with postgres): the run's Redis under a unique prefix; "memory": in-process. */
  cache?: "redis" | "memory";
  /** Writes per user per window (default high enough not to matter). */
  rateLimitWrites?: number;
  /** Reads per user per window (default high enough not to matter). */
  rateLimitReads?: number;
  /** Mention commands per agent per minute (default: the production default). */
  agentCommandBudget?: number;
  /** What the bot logs into `logs` (default BOT_LOG_LEVEL, else debug); long runs keep it at info. */
  logLevel?: string;
  /** Serve /healthz and /metrics on a free loopback port (default off). */
  http?: boolean;
  /** The engine's clock (due dates, reminders, leases); default the real one. */
  now?: () => Date;
  /** The clock interactions' 3 s windows are judged by (the app's interactionClock); default the real one. */
  interactionClock?: () => Date;
}

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface BotUnderTest {
  discord: DiscordStandIn;
  app: App;
  /** Every line the bot logged, parsed. */
  logs: LogLine[];
  stop(): Promise<void>;
}

/**
 * The real bot (src/app.ts, the same build as `npm start`) against the Discord stand-in: commands
 * deployed the way `npm run commands:deploy` does, then logged in through DISCORD_API_URL.
 */
export async function bootBot(options: BootOptions = {}): Promise<BotUnderTest> {
  const discord = await DiscordStandIn.start({ token: BOT_TOKEN, ...options.world });
  const rest = new REST({ api: discord.apiUrl }).setToken(BOT_TOKEN);
  for (const guild of discord.world.guilds.values()) {
    await deployCommands({ rest, applicationId: discord.applicationId, guildId: guild.id });
  }

  const logs: LogLine[] = [];
  const log = captureLogger(logs, options.logLevel);
  const kind = options.database ?? "postgres";
  const testDatabase: TestDatabase | null = kind === "postgres" ? await createTestDatabase() : null;
  const rateLimit = { capacity: options.rateLimitWrites ?? 1000, windowSeconds: 10 };
  const readRateLimit = { capacity: options.rateLimitReads ?? 1000, windowSeconds: 10 };
  const cache: Cache | undefined =
    (options.cache ?? (kind === "postgres" ? "redis" : "memory")) === "redis"
      ? await createCache({
          redisUrl: testRedisUrl(),
          keyPrefix: uniqueRedisPrefix(),
          log,
          rateLimit,
          readRateLimit,
        })
      : undefined;
  const config = loadConfig({
    DISCORD_TOKEN: BOT_TOKEN,
    DISCORD_API_URL: discord.apiUrl,
    DATABASE_URL: testDatabase?.url ?? "",
    DATA_DIR: "memory://",
    LOG_LEVEL: "debug",
    RATE_LIMIT_WRITES: String(rateLimit.capacity),
    RATE_LIMIT_READS: String(readRateLimit.capacity),
    RATE_LIMIT_WINDOW_SECONDS: String(rateLimit.windowSeconds),
    ...(options.agentCommandBudget ? { AGENT_COMMAND_BUDGET: String(options.agentCommandBudget) } : {}),
  });
  const http = options.http ? { port: 0, host: "127.0.0.1" } : false;
  const engine = options.now ? { engine: { now: options.now } } : {};
  const clock = options.interactionClock ? { interactionClock: options.interactionClock } : {};
  const app = await createApp({ config, log, http, ...engine, ...clock, ...(cache ? { cache } : {}) });
  await app.start();
  await discord.waitForBot();

  return {
    discord,
    app,
    logs,
    async stop() {
      await app.stop();
      await discord.stop();
      await cache?.close();
      await testDatabase?.drop();
    },
  };
}

/** The bot for the enclosing suite: booted in beforeAll, stopped in afterAll. */
export function useBot(options: BootOptions = {}): BotUnderTest {
  return useInSuite(
    "the bot",
    () => bootBot(options),
    (bot) => bot.stop(),
  );
}

function captureLogger(lines: LogLine[], level?: string): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return createLogger({ level: level ?? process.env.BOT_LOG_LEVEL ?? "debug", destination: sink });
}

/** The first log line matching `match`, waiting briefly: the bot logs an interaction after answering it. */
export async function waitForLog(
  bot: BotUnderTest,
  match: (line: LogLine) => boolean,
  timeoutMs = 5_000,
): Promise<LogLine> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = bot.logs.find(match);
    if (line) return line;
    if (Date.now() > deadline) throw new Error("timed out waiting for a log line");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
