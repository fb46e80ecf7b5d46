import { pino } from "pino";
import { createCache } from "../../src/cache/create-cache.ts";
import type { Cache } from "../../src/cache/types.ts";
import { type Config, ConfigError, loadConfig } from "../../src/config.ts";
import { loadEnvFile } from "../../src/load-env-file.ts";
import { createLogger, type Logger } from "../../src/log.ts";
import { actorEverywhere } from "../../src/services/actors.ts";
import type { ActionContext, TransferService } from "../../src/services/contracts.ts";
import { createTransferService } from "../../src/services/transfers/index.ts";
import { type Database, embeddedDataDir, openDatabase } from "../../src/store/database.ts";
import { runMigrations } from "../../src/store/migrate.ts";

/** What an operator script works with: the configured database (migrated) and cache, and the services. */
export interface Operator {
  config: Config;
  log: Logger;
  database: Database;
  cache: Cache;
  transfers: TransferService;
  close(): Promise<void>;
}

/** Config from the environment and .env, as `npm start` reads it; a bad value exits with its one line. */
export function operatorConfig(): Config {
  try {
    loadEnvFile();
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    fail(error.message);
  }
}

export async function openOperator(config: Config): Promise<Operator> {
  // Scripts print their results on stdout; logs (warnings and up unless LOG_LEVEL says) go to stderr.
  const level = process.env.LOG_LEVEL ? config.LOG_LEVEL : "warn";
  const log = createLogger({ level, destination: pino.destination(2) });
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: embeddedDataDir(config.DATA_DIR),
    log,
  });
  await runMigrations(database, config.DATABASE_URL);
  const cache = await createCache({
    redisUrl: config.REDIS_URL,
    log,
    rateLimit: { capacity: config.RATE_LIMIT_WRITES, windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS },
  });
  const transfers = createTransferService({ database, cache, log });
  return {
    config,
    log,
    database,
    cache,
    transfers,
    async close() {
      await cache.close();
      await database.close();
    },
  };
}

/** The operator acts with full rights: they hold the database already. */
export function operatorContext(guildId: string, channelId: string, userId: string): ActionContext {
  return {
    guildId,
    channelId,
    actor: actorEverywhere({ userId, permissions: ["administrator"] }),
    source: "import",
  };
}

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

export const SNOWFLAKE = /^\d{17,20}$/;
