import { DiscordjsErrorCodes } from "discord.js";
import { AnotherInstanceError, createApp } from "./app.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { loadEnvFile } from "./load-env-file.ts";
import { createLogger } from "./log.ts";

const NO_TOKEN =
  "DISCORD_TOKEN is not set. Get one at https://discord.com/developers/applications → your application → Bot → Reset Token, and put it in .env. To try Tasklane offline without a token: npm run sandbox";

function configOrExit(): Config {
  try {
    loadEnvFile();
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/** `npm start`: config, build, start, and a graceful stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = configOrExit();
  if (!config.DISCORD_TOKEN) {
    console.error(NO_TOKEN);
    process.exit(1);
  }
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const app = await createApp({ config, log }).catch((error: unknown) => {
    if (error instanceof AnotherInstanceError) console.error(error.message);
    else log.fatal({ err: error }, "could not build the bot (database, migrations or cache)");
    process.exit(1);
  });

  let stopping = false;
  const shutdown = (reason: string, exitCode: number) => {
    if (stopping) {
      if (reason === "SIGINT" || reason === "SIGTERM") {
        log.warn({ reason }, "second signal: exiting without waiting");
        process.exit(1);
      }
      return;
    }
    stopping = true;
    log.info({ reason, graceMs: config.SHUTDOWN_GRACE_MS }, "shutting down: finishing work in flight");
    app.stop().then(
      () => process.exit(exitCode),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT", 0));
  process.on("SIGTERM", () => shutdown("SIGTERM", 0));
  // A fault nobody caught leaves the process in a state no one reasoned about: log it, then stop the
  // same graceful way (in-flight work finishes, nothing half-sent) and let the supervisor restart us.
  process.on("unhandledRejection", (reason) => {
    log.fatal({ err: reason }, "unhandled promise rejection; stopping");
    shutdown("unhandledRejection", 1);
  });
  process.on("uncaughtException", (error) => {
    log.fatal({ err: error }, "uncaught exception; stopping");
    shutdown("uncaughtException", 1);
  });

  try {
    await app.start();
  } catch (error) {
    if ((error as { code?: string }).code === DiscordjsErrorCodes.TokenInvalid) {
      console.error(
        "Discord refused DISCORD_TOKEN. Reset it in the developer portal (Bot → Reset Token) and update .env.",
      );
    } else {
      log.fatal({ err: error }, "start-up failed");
    }
    await app.stop().catch(() => undefined);
    process.exit(1);
  }
}

await main();
