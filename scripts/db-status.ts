import { pino } from "pino";
import { createLogger } from "../src/log.ts";
import { embeddedDataDir, openDatabase } from "../src/store/database.ts";
import { migrationStatus } from "../src/store/migration-status.ts";
import { operatorConfig } from "./operator/open-operator.ts";

/** `npm run db:status`: which committed migrations the configured database has, and which are pending. */
const config = operatorConfig();
const log = createLogger({ level: "warn", destination: pino.destination(2) });
const database = await openDatabase({
  url: config.DATABASE_URL,
  dataDir: embeddedDataDir(config.DATA_DIR),
  log,
});
try {
  const states = await migrationStatus(database.db);
  const where = config.DATABASE_URL ? new URL(config.DATABASE_URL).host : `embedded (${config.DATA_DIR})`;
  console.log(`Database: ${database.kind}, ${where}`);
  for (const migration of states) {
    console.log(`  ${migration.state.padEnd(8)} ${migration.tag}`);
  }
  const pending = states.filter((migration) => migration.state === "pending").length;
  const skipped = states.filter((migration) => migration.state === "skipped").length;
  console.log(
    `${states.length - pending - skipped} applied, ${pending} pending${skipped ? `, ${skipped} skipped (older than the last applied: drizzle will not apply them; apply them by hand)` : ""}.${pending ? " npm start or npm run db:migrate applies pending ones." : ""}`,
  );
  process.exitCode = skipped > 0 ? 1 : 0;
} finally {
  await database.close();
}
