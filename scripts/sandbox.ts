import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runRepl } from "./sandbox/repl.ts";
import { runScript } from "./sandbox/run-script.ts";
import { Session } from "./sandbox/session.ts";
import { type Sandbox, startSandbox } from "./sandbox/start-sandbox.ts";
import { styleFor } from "./sandbox/style.ts";
import { FIRST_CHANNEL, FIRST_USER, PEOPLE, SETUP_LINES } from "./sandbox/world.ts";

/**
 * `npm run sandbox`: the real bot against a local Discord, played from the terminal.
 * `npm run sandbox -- --script file.txt`: runs the file's lines, prints the transcript, and exits
 * 1 if the bot ever failed to answer (2 if a line was not one the sandbox understands).
 */
const USAGE = `Usage: npm run sandbox [-- options]

  --script <file>   run the file's lines (# comments), print the transcript, exit 1 if the bot failed
                    (examples/tour.txt: the tour shipped in scripts/sandbox/examples/)
  --json            show the agents' json blocks whole (default: one summary line)
  --width <n>       columns for messages (default: 80, or the terminal's if narrower)
  --bare            skip the admin's set-up (reviewer role, robo registered as an agent)
  --log-file <f>    where the bot's logs go (default: a temporary directory)
  -h, --help        this text`;

const { values } = parseArgs({
  options: {
    script: { type: "string" },
    json: { type: "boolean", default: false },
    width: { type: "string" },
    bare: { type: "boolean", default: false },
    "log-file": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  allowPositionals: false,
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const style = styleFor(process.stdout);
const width =
  Number(values.width) || (process.stdout.isTTY ? Math.min(process.stdout.columns || 80, 80) : 80);
const print = (text: string) => process.stdout.write(`${text}\n`);
const script = values.script === undefined ? undefined : readScript(values.script);

let sandbox: Sandbox | undefined;
let exitCode = 0;
try {
  sandbox = await startSandbox({
    ...(values["log-file"] ? { logFile: values["log-file"] } : {}),
    onStep: (step) => process.stderr.write(style.dim(`… ${step}\n`)),
  });
  const clock = sandbox;
  const session = new Session(sandbox.standIn, {
    style,
    width,
    print,
    fullJson: values.json,
    passTime: (ms) => clock.passTime(ms),
    now: () => clock.now().getTime(),
  });
  if (!values.bare) {
    const problems = await session.runQuietly(SETUP_LINES);
    for (const problem of problems) print(style.red(`✗ set-up: ${problem}`));
  }
  if (script !== undefined) {
    const summary = await runScript(session, script, print, style);
    const failed = summary.failures.length;
    print(
      style.dim(
        `\n${summary.lines} lines · ${failed === 0 ? "the bot answered every one" : `${failed} bot failure${failed === 1 ? "" : "s"}`}` +
          `${summary.refused > 0 ? ` · ${summary.refused} refused by the client` : ""} · logs: ${sandbox.logFile}`,
      ),
    );
    for (const failure of summary.failures) print(style.red(`✗ ${failure}`));
    for (const line of summary.unknown) print(style.red(`✗ not a sandbox line: ${line}`));
    exitCode = failed > 0 ? 1 : summary.unknown.length > 0 ? 2 : 0;
  } else {
    print(banner(sandbox, values.bare));
    await runRepl(session, style);
    exitCode = session.failures.length > 0 ? 1 : 0;
  }
  session.close();
} catch (error) {
  console.error(
    style.red(`The sandbox could not start: ${error instanceof Error ? error.message : String(error)}`),
  );
  if (sandbox) console.error(`Logs: ${sandbox.logFile}`);
  exitCode = 1;
} finally {
  await sandbox?.stop().catch(() => undefined);
}
// Undici's keep-alive sockets and PGlite's worker would hold the process open a little longer.
process.exit(exitCode);

/** The file as given, else one of the sandbox's own (`--script examples/tour.txt`). */
function readScript(path: string): string {
  const candidates = [path, fileURLToPath(new URL(`./sandbox/${path}`, import.meta.url))];
  for (const candidate of candidates) {
    if (existsSync(candidate)) return readFileSync(candidate, "utf8");
  }
  console.error(
    `Cannot read the script ${path}: no such file (the tour is scripts/sandbox/examples/tour.txt)`,
  );
  process.exit(2);
}

function banner(sandbox: Sandbox, bare: boolean): string {
  const { standIn, app } = sandbox;
  const channels = [...standIn.guild().channels.values()].map((c) => `#${c.name}`).join(", ");
  const people = PEOPLE.map((p) => `${style.cyan(p.name)} (${p.role})`).join(", ");
  const port = app.httpPort();
  return [
    "",
    style.bold("Tasklane sandbox: the real bot, against a local Discord, in your terminal."),
    `Server ${style.bold(standIn.guild().name)}: ${channels}`,
    `People: ${people}`,
    bare
      ? "Nothing is configured yet (--bare): as admin, /tasklane config and /tasklane agent add."
      : "The admin made @Reviewer the reviewers of both channels and registered robo as an agent.",
    `You are ${style.cyan(FIRST_USER)} in ${style.cyan(`#${FIRST_CHANNEL}`)}. Type ${style.cyan("help")}, or try:`,
    `  ${style.cyan('/task create title:"Fix login" priority:high')}`,
    style.dim(
      `Logs: ${sandbox.logFile}${port ? ` · health: http://127.0.0.1:${port}/healthz` : ""} · Tab completes · quit to leave`,
    ),
    "",
  ].join("\n");
}
