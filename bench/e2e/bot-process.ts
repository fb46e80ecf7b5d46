import { type ChildProcess, spawn } from "node:child_process";
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
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export interface BotProcess {
  /** The process we spawned (tsx's launcher, as `npm start` runs it). */
  launcherPid: number;
  /** The node process running src/main.ts (tsx's child); the launcher's pid if there is none. */
  botPid(): number;
  /** Peak RSS seen so far of the bot process (and of the launcher, reported apart). */
  memory(): { bot: ProcessMemory | undefined; launcher: ProcessMemory | undefined };
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts the bot as `npm start` does (`tsx src/main.ts`), with `env` added; stdout/stderr go to
 * `logFile`. `nodeFlags` (e.g. --cpu-prof) are passed to the node process that runs the bot.
 */
export function startBot(env: Record<string, string>, logFile: string, nodeFlags: string[] = []): BotProcess {
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn("node_modules/.bin/tsx", [...nodeFlags, "src/main.ts"], {
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const launcherPid = child.pid ?? -1;
  const botPid = () => childrenOf(launcherPid).at(-1) ?? launcherPid;
  return {
    launcherPid,
    botPid,
    memory: () => ({ bot: readMemory(botPid()), launcher: readMemory(launcherPid) }),
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
