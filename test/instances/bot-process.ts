import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface BotProcess {
  readonly name: string;
  readonly pid: number;
  /** Every JSON line it logged so far (stdout), in order. */
  readonly lines: LogLine[];
  /** What it wrote that was not a JSON log line (stderr, console.error). */
  readonly otherOutput: string[];
  /** Resolves on its "tasklane ready" line; rejects if it exits first. */
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
  signal(signal: NodeJS.Signals): void;
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * The bot's own code as `npm start` runs it (src/main.ts through tsx), in a child process of its own,
 * with only the environment given here (plus PATH/HOME): JSON logs on stdout are collected for asserts.
 * `node --import tsx` rather than the tsx CLI: the CLI runs the bot in a grandchild that a SIGKILL
 * of the CLI would leave running.
 */
export function spawnBot(name: string, env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  const lines: LogLine[] = [];
  const otherOutput: string[] = [];
  let markReady: () => void = () => undefined;
  let failReady: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  // A test that expects the process to exit early awaits `exited`, not `ready`.
  ready.catch(() => undefined);
  let buffered = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
      const text = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      try {
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        if (line.msg === "tasklane ready") markReady();
      } catch {
        if (text.trim()) otherOutput.push(text);
      }
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => otherOutput.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      failReady(
        new Error(`${name} exited (${code ?? signal}) before it was ready:\n${otherOutput.join("")}`),
      );
      resolve({ code, signal });
    });
  });
  return {
    name,
    pid: child.pid ?? -1,
    lines,
    otherOutput,
    ready,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
    signal: (signal) => {
      child.kill(signal);
    },
  };
}

/** SIGKILL and wait, for the cleanup of a test that may have left it running. */
export async function killBot(bot: BotProcess | undefined): Promise<void> {
  if (!bot?.running()) return;
  bot.signal("SIGKILL");
  await bot.exited;
}

/** Lines at error level or above, and any apology (an unexpected error answered with a reference). */
export function troubleIn(bot: BotProcess): LogLine[] {
  return bot.lines.filter((line) => line.level >= 50);
}
