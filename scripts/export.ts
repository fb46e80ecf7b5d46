import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { UserError } from "../src/domain/errors.ts";
import type { ExportInput } from "../src/services/contracts.ts";
import { fail, openOperator, operatorConfig, operatorContext, SNOWFLAKE } from "./operator/open-operator.ts";

const USAGE =
  "usage: npm run export -- --guild <id> [--format csv|json] [--status <status>] [--channel <id>] [--out <file>]";

/** `npm run export`: every task of a server (or of one channel), as CSV or JSON with history; stdout or --out. */
const { values } = parseArgs({
  options: {
    guild: { type: "string" },
    channel: { type: "string" },
    format: { type: "string", default: "csv" },
    status: { type: "string", default: "all" },
    out: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.guild || !SNOWFLAKE.test(values.guild))
  fail(`--guild must be a Discord id (17–20 digits). ${USAGE}`);
if (values.channel !== undefined && !SNOWFLAKE.test(values.channel))
  fail(`--channel must be a Discord id (17–20 digits). ${USAGE}`);
if (values.format !== "csv" && values.format !== "json") fail(`--format must be csv or json. ${USAGE}`);

const config = operatorConfig();
const operator = await openOperator(config);
const channelId = values.channel ?? values.guild;
const ctx = {
  ...operatorContext(values.guild, channelId, config.DISCORD_APP_ID ?? values.guild),
  source: "system" as const,
};
try {
  const file = await operator.transfers.exportTasks(ctx, {
    format: values.format,
    status: values.status as ExportInput["status"],
    scope: values.channel ? "channel" : "server",
  });
  if (values.out) {
    writeFileSync(values.out, file.content);
    console.error(
      `Wrote ${file.count} task${file.count === 1 ? "" : "s"} to ${values.out}${file.truncated ? " (stopped at the export cap)" : ""}.`,
    );
  } else process.stdout.write(file.content);
} catch (error) {
  await operator.close();
  if (error instanceof UserError) fail(error.message);
  throw error;
}
await operator.close();
