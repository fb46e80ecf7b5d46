import { setTimeout as sleep } from "node:timers/promises";
import { readLogTail, type ServerProcess } from "./server-process.ts";

export class ServerStartError extends Error {
  constructor(
    message: string,
    readonly logTail: string,
    readonly exitedEarly: boolean,
  ) {
    super(`${message}\n--- last lines of its log ---\n${logTail}`);
    this.name = "ServerStartError";
  }
}

export interface ReadyCheck {
  name: string;
  process: ServerProcess;
  logFile: string;
  /** Resolves true once the server really answers (a connection, a query, a PING). */
  answers: () => Promise<boolean>;
  timeoutMs: number;
}

export async function waitUntilReady(check: ReadyCheck): Promise<void> {
  const deadline = Date.now() + check.timeoutMs;
  while (Date.now() < deadline) {
    if (!check.process.isRunning()) {
      throw new ServerStartError(`${check.name} exited while starting`, readLogTail(check.logFile), true);
    }
    if (await check.answers().catch(() => false)) return;
    await sleep(50);
  }
  throw new ServerStartError(
    `${check.name} did not accept connections within ${check.timeoutMs} ms`,
    readLogTail(check.logFile),
    false,
  );
}
