import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, closeSync, existsSync, openSync, readFileSync } from "node:fs";

export interface SpawnOptions {
  /** stdout and stderr are appended here, so a failed start can show the server's own words. */
  logFile: string;
  cwd?: string;
  /** Run as this user (we are root and the server refuses root). */
  user?: { uid: number; gid: number };
}

/** One run of a server binary: its real pid (no wrapper in between), its exit, its log. */
export interface ServerProcess {
  readonly pid: number;
  /** Resolves with the exit code (null when ended by a signal). */
  readonly exited: Promise<number | null>;
  isRunning(): boolean;
  signal(signal: NodeJS.Signals): void;
  /** Resolves once it exited; keeps this process alive meanwhile (the child is otherwise unref'd). */
  waitForExit(): Promise<number | null>;
}

export function spawnServer(command: string, args: string[], options: SpawnOptions): ServerProcess {
  const log = openSync(options.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      cwd: options.cwd,
      stdio: ["ignore", log, log],
      uid: options.user?.uid,
      gid: options.user?.gid,
      env: { ...process.env, LC_ALL: "C.UTF-8", LANG: "C.UTF-8" },
    });
  } finally {
    closeSync(log);
  }
  let running = true;
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      running = false;
      resolve(code);
    });
    child.once("error", (error) => {
      running = false;
      appendFileSync(options.logFile, `cannot start ${command}: ${error.message}\n`);
      resolve(null);
    });
  });
  child.unref();
  return {
    pid: child.pid ?? -1,
    exited,
    isRunning: () => running,
    signal: (signal) => {
      if (running) child.kill(signal);
    },
    waitForExit: async () => {
      child.ref();
      try {
        return await exited;
      } finally {
        child.unref();
      }
    },
  };
}

export function readLogTail(logFile: string, lines = 15): string {
  if (!existsSync(logFile)) return "(no log)";
  const text = readFileSync(logFile, "utf8").trimEnd();
  return text.split("\n").slice(-lines).join("\n") || "(empty log)";
}

/** Stops a process politely, then for good after `graceMs`. */
export async function stopProcess(
  process: ServerProcess,
  polite: NodeJS.Signals,
  graceMs = 10_000,
): Promise<void> {
  if (!process.isRunning()) return;
  process.signal(polite);
  const timer = setTimeout(() => process.signal("SIGKILL"), graceMs);
  await process.waitForExit();
  clearTimeout(timer);
}
