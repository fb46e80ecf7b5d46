import { chownSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePort } from "./free-port.ts";
import { onProcessExit, type PidFileSignal, removeDirQuietly, startWatchdog } from "./last-resort-cleanup.ts";
import { type ServerProcess, spawnServer, stopProcess } from "./server-process.ts";
import type { UserIds } from "./unprivileged-user.ts";
import { ServerStartError, waitUntilReady } from "./wait-until-ready.ts";

/** A server binary we started ourselves, on loopback, in its own temporary directory. */
export interface LocalServer {
  readonly url: string;
  readonly port: number;
  /** pid of the server process itself (not a wrapper); changes on restart. */
  readonly pid: number;
  readonly dir: string;
  /** Polite shutdown, then the temporary directory is removed. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL to the server process, as a crash would; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same data; resolves once it answers. */
  restart(): Promise<void>;
}

export interface LocalServerSpec {
  name: string;
  binary: string;
  args(port: number, dir: string): string[];
  /** Set when we are root and the server must not be: it owns the directory and runs as this user. */
  user?: UserIds;
  /** Runs once in the fresh directory before the first start (initdb). */
  prepare?(dir: string): Promise<void>;
  answers(port: number): Promise<boolean>;
  url(port: number): string;
  pidFile(dir: string): PidFileSignal;
  politeStop: NodeJS.Signals;
  /** A start that fails with one of these in its log is retried (old processes still letting go). */
  transientFailure: RegExp;
  timeoutMs?: number;
}

const portTries = 3;

export async function startLocalServer(spec: LocalServerSpec): Promise<LocalServer> {
  const dir = mkdtempSync(join(tmpdir(), `tasklane-${spec.name}-`));
  if (spec.user) chownSync(dir, spec.user.uid, spec.user.gid);
  const logFile = join(dir, `${spec.name}.log`);
  const timeoutMs = spec.timeoutMs ?? 30_000;
  const dismissWatchdog = startWatchdog(dir, [spec.pidFile(dir)]);
  let current: ServerProcess | undefined;
  const forgetExitHook = onProcessExit(() => {
    current?.signal("SIGKILL");
    removeDirQuietly(dir);
  });
  let stopped = false;
  const cleanUp = async () => {
    if (stopped) return;
    stopped = true;
    if (current) await stopProcess(current, spec.politeStop);
    dismissWatchdog();
    forgetExitHook();
    removeDirQuietly(dir);
  };

  const launch = async (port: number, deadline: number): Promise<void> => {
    current = spawnServer(spec.binary, spec.args(port, dir), { logFile, cwd: dir, user: spec.user });
    const remaining = Math.max(1_000, deadline - Date.now());
    await waitUntilReady({
      name: spec.name,
      process: current,
      logFile,
      answers: () => spec.answers(port),
      timeoutMs: remaining,
    });
  };

  const launchOnPort = async (port: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await launch(port, deadline);
      } catch (error) {
        const transient =
          error instanceof ServerStartError && error.exitedEarly && spec.transientFailure.test(error.logTail);
        if (!transient || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };

  let port = 0;
  try {
    await spec.prepare?.(dir);
    for (let attempt = 1; ; attempt++) {
      port = await findFreePort();
      try {
        await launch(port, Date.now() + timeoutMs);
        break;
      } catch (error) {
        const portTaken = error instanceof ServerStartError && /address already in use/i.test(error.logTail);
        if (!portTaken || attempt >= portTries) throw error;
      }
    }
  } catch (error) {
    await cleanUp();
    throw error;
  }

  return {
    url: spec.url(port),
    port,
    dir,
    get pid() {
      return current?.pid ?? -1;
    },
    stop: cleanUp,
    kill: async () => {
      if (!current?.isRunning()) return;
      current.signal("SIGKILL");
      await current.waitForExit();
    },
    restart: async () => {
      if (stopped) throw new Error(`${spec.name} on port ${port} was stopped; start a new one`);
      if (current?.isRunning()) await stopProcess(current, spec.politeStop);
      await launchOnPort(port);
    },
  };
}
