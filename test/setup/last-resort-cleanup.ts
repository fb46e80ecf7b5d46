import { spawn } from "node:child_process";
import { rmSync } from "node:fs";

/**
 * Two nets under teardown, for servers a test run started:
 * - on this process's exit, synchronous cleanups run (signals sent, temp dirs removed);
 * - a detached watchdog shell outlives a SIGKILLed runner: when the owner pid is gone it signals
 *   the pids named in the pid files (read at that moment, so restarts are covered) and removes
 *   the directory.
 */
const exitCleanups = new Set<() => void>();
let exitHookInstalled = false;

export function onProcessExit(cleanup: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const run of exitCleanups) {
        try {
          run();
        } catch {
          // last resort: keep going with the others
        }
      }
    });
  }
  exitCleanups.add(cleanup);
  return () => exitCleanups.delete(cleanup);
}

export interface PidFileSignal {
  pidFile: string;
  signal: "QUIT" | "KILL" | "TERM";
}

const watchdogScript = `
owner="$1"; dir="$2"; shift 2
while kill -0 "$owner" 2>/dev/null; do sleep 1; done
for spec in "$@"; do
  sig="\${spec%%:*}"; file="\${spec#*:}"
  if [ -f "$file" ]; then kill -"$sig" "$(head -n 1 "$file")" 2>/dev/null; fi
done
sleep 2
rm -rf "$dir"
`;

/** Returns a function that dismisses the watchdog once the server was stopped properly. */
export function startWatchdog(dir: string, pidFiles: PidFileSignal[]): () => void {
  const specs = pidFiles.map(({ pidFile, signal }) => `${signal}:${pidFile}`);
  const watchdog = spawn("sh", ["-c", watchdogScript, "watchdog", String(process.pid), dir, ...specs], {
    detached: true,
    stdio: "ignore",
  });
  watchdog.unref();
  return () => {
    try {
      // detached: it leads its own process group, so its `sleep` goes too
      if (watchdog.pid) process.kill(-watchdog.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
}

export function removeDirQuietly(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // a server that refused to die may still hold files; the watchdog retries
  }
}
