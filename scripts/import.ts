import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { UserError } from "../src/domain/errors.ts";
import { TASK_STATUSES } from "../src/domain/task-states.ts";
import type { ImportReport } from "../src/services/views.ts";
import { fail, openOperator, operatorConfig, operatorContext, SNOWFLAKE } from "./operator/open-operator.ts";
import { postPendingCards } from "./operator/post-pending-cards.ts";

const USAGE =
  "usage: npm run import -- <tasks.json> --guild <id> --channel <id> [--tag <name>] [--dry-run] [--post] [--as <user id>]";

/**
 * `npm run import`: a Task Master tasks.json into one channel, against the configured database. Cards are
 * posted when the bot next runs, or now with --post (the bot logs in, delivers them, and stops).
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    guild: { type: "string" },
    channel: { type: "string" },
    tag: { type: "string" },
    "dry-run": { type: "boolean", default: false },
    post: { type: "boolean", default: false },
    as: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [path, ...extra] = positionals;
if (!path || extra.length > 0) fail(USAGE);
for (const name of ["guild", "channel"] as const) {
  const value = values[name];
  if (!value || !SNOWFLAKE.test(value)) fail(`--${name} must be a Discord id (17–20 digits). ${USAGE}`);
}
const config = operatorConfig();
const actorId = values.as ?? config.DISCORD_APP_ID;
if (!actorId || !SNOWFLAKE.test(actorId)) {
  fail("Who imports? Pass --as <your Discord user id> (or set DISCORD_APP_ID: the bot is then the creator).");
}
let text: string;
try {
  text = readFileSync(path, "utf8");
} catch (error) {
  fail(`${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
}

const operator = await openOperator(config);
let report: ImportReport;
try {
  report = await operator.transfers.importTaskMaster(
    operatorContext(values.guild!, values.channel!, actorId),
    {
      text,
      ...(values.tag ? { tag: values.tag } : {}),
      dryRun: values["dry-run"],
    },
  );
} catch (error) {
  await operator.close();
  if (error instanceof UserError) fail(`${path}: ${error.message}`);
  throw error;
}
printReport(report);
if (values.post && !report.dryRun && report.created.length + report.updated.length > 0) {
  const posted = await postPendingCards(operator, values.guild!);
  console.log(
    `Posted ${posted.sent} card${posted.sent === 1 ? "" : "s"}${posted.pending ? `; ${posted.pending} still pending (the bot delivers them when it runs)` : ""}.`,
  );
}
await operator.close();

function printReport(r: ImportReport): void {
  const verb = r.dryRun ? "Would create" : "Created";
  const statuses = TASK_STATUSES.filter((status) => r.createdByStatus[status])
    .map((status) => `${r.createdByStatus[status]} ${status.replace("_", " ")}`)
    .join(", ");
  console.log(
    `${verb} ${r.created.length} task${r.created.length === 1 ? "" : "s"}${statuses ? ` (${statuses})` : ""}, ${r.dryRun ? "would update" : "updated"} ${r.updated.length}, ${r.unchanged} unchanged — tag "${r.tag}" (${r.layout} layout).`,
  );
  for (const task of r.created)
    console.log(`  + #${task.number} [${task.status}] ${task.title}  (Task Master ${task.taskmaster})`);
  for (const task of r.updated)
    console.log(
      `  ~ #${task.number} [${task.status}] ${task.title}  (Task Master ${task.taskmaster}: ${task.changes?.join(", ")})`,
    );
  for (const warning of r.warnings) console.log(`  ! ${warning}`);
  if (r.dryRun) console.log("Dry run: nothing was written.");
  else if (r.created.length + r.updated.length > 0 && !values.post)
    console.log("Cards are posted when the bot next runs (or run again with --post).");
}
