import { ConfigError, loadConfig } from "../src/config.ts";
import { loadEnvFile } from "../src/load-env-file.ts";
import { createLogger } from "../src/log.ts";
import { embeddedDataDir, openDatabase } from "../src/store/database.ts";
import { runMigrations } from "../src/store/migrate.ts";

/** `npm run db:migrate`: applies the committed migrations to DATABASE_URL, or to PGlite under DATA_DIR. */
try {
  loadEnvFile();
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: embeddedDataDir(config.DATA_DIR),
    log,
  });
  await runMigrations(database, config.DATABASE_URL);
  await database.close();
  log.info({ database: database.kind }, "migrations applied");
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
