import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";

/** Memory of one process from /proc/<pid>/status, in MB. */
export interface ProcessMemory {
  rssMb: number;
  /** VmHWM: the peak resident set since the process started. */
  peakRssMb: number;
}

export function readMemory(pid: number): ProcessMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
    return { rssMb: kb("VmRSS") / 1024, peakRssMb: kb("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat, clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const split = cpuSplit(pid);
  return split.user + split.system;
}

/** User and system CPU seconds apart: system time is mostly socket writes and reads (syscalls). */
export function cpuSplit(pid: number): { user: number; system: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
  } catch {
    return { user: Number.NaN, system: Number.NaN };
  }
}

export interface BotProcess {
  /** The node process running dist/main.js. */
  botPid(): number;
  /** RSS of the bot process, now and at its peak. */
  memory(): { bot: ProcessMemory | undefined };
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** The node flags of `npm start` (package.json: `node <flags> dist/main.js`). */
export function startScriptFlags(): string[] {
  const start = JSON.parse(readFileSync("package.json", "utf8")).scripts.start as string;
  const words = start.split(/\s+/);
  return words.slice(1, words.indexOf("dist/main.js"));
}

/**
 * Starts the bot as `npm start` does: builds dist/ if it is missing or stale (`prestart`), then runs
 * `node <npm start's flags> dist/main.js` with `env` added; stdout/stderr go to `logFile`. `nodeFlags`
 * (e.g. --cpu-prof) are added to that node process's.
 */
export function startBot(env: Record<string, string>, logFile: string, nodeFlags: string[] = []): BotProcess {
  const prestart = spawnSync(process.execPath, ["scripts/build/ensure-build.mjs"], { stdio: "inherit" });
  if (prestart.status !== 0) throw new Error("building dist/ failed (node scripts/build/ensure-build.mjs)");
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(process.execPath, [...startScriptFlags(), ...nodeFlags, "dist/main.js"], {
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const pid = child.pid ?? -1;
  return {
    botPid: () => pid,
    memory: () => ({ bot: readMemory(pid) }),
    exited,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
