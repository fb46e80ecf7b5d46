import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REST } from "discord.js";
import { pino } from "pino";
import { type App, createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { deployCommands } from "../../src/deploy-commands.ts";
import { createLogger } from "../../src/log.ts";
import { DiscordStandIn } from "../../test/stand-in/index.ts";
import { SANDBOX_WORLD } from "./world.ts";

/** The stand-in accepts any token; this one only has to look like something a person would not paste. */
const SANDBOX_TOKEN = "sandbox-token-not-a-real-discord-token";

export interface Sandbox {
  standIn: DiscordStandIn;
  app: App;
  /** the bot's and the stand-in's logs (JSON lines) */
  logFile: string;
  /** The bot's clock: real time plus what `later` added. */
  now(): Date;
  /** `later 2h`: the bot's clock jumps ahead and its background jobs (reminders among them) run once. */
  passTime(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StartSandboxOptions {
  /** default: a new temporary directory's sandbox.log */
  logFile?: string;
  logLevel?: string;
  /** "starting the local Discord…" and the like, as each step begins */
  onStep?: (step: string) => void;
}

/**
 * The local Discord with the pretend server, the commands deployed to it as `npm run commands:deploy`
 * does, and the real bot built by the same `createApp` as `npm start`, pointed at it with
 * DISCORD_API_URL: embedded database in memory, in-process cache, health server on a free port.
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
  const step = options.onStep ?? (() => undefined);
  const logFile = options.logFile ?? join(mkdtempSync(join(tmpdir(), "tasklane-sandbox-")), "sandbox.log");
  const destination = pino.destination({ dest: logFile, sync: false, mkdir: true });
  // pino flushes on exit, which throws if the file is not open yet (a start-up that fails at once).
  await once(destination, "ready");
  const level = options.logLevel ?? "info";
  const log = createLogger({ level, destination });

  step("starting the local Discord");
  const standIn = await DiscordStandIn.start({
    ...SANDBOX_WORLD,
    logger: log.child({ service: "discord-stand-in" }),
  });
  const guildId = standIn.guild().id;
  let app: App | undefined;
  try {
    step("deploying the commands");
    const rest = new REST({ api: standIn.apiUrl }).setToken(SANDBOX_TOKEN);
    await deployCommands({ rest, applicationId: standIn.applicationId, guildId });

    step("starting Tasklane (embedded database, in-process cache)");
    const config = loadConfig({
      DISCORD_TOKEN: SANDBOX_TOKEN,
      DISCORD_API_URL: standIn.apiUrl,
      DISCORD_GUILD_ID: guildId,
      DATA_DIR: "memory://",
      LOG_LEVEL: level,
      HTTP_PORT: "0",
      HTTP_HOST: "127.0.0.1",
    });
    let ahead = 0;
    const now = () => new Date(Date.now() + ahead);
    app = await createApp({ config, log, engine: { now } });
    await app.start();
    const started = app;
    return {
      standIn,
      app: started,
      logFile,
      now,
      async passTime(ms) {
        ahead += ms;
        await started.jobs()?.runOnce();
      },
      async stop() {
        await started.stop();
        await standIn.stop();
        await new Promise<void>((resolve) => destination.flush(() => resolve()));
      },
    };
  } catch (error) {
    await app?.stop().catch(() => undefined);
    await standIn.stop();
    throw error;
  }
}
