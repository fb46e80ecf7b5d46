import { pino } from "pino";
import type { Logger } from "../../src/log.ts";

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger whose JSON lines land in an array, so tests read exactly what operators would. */
export function captureLog(): { log: Logger; lines: LogLine[]; messages(level: "warn" | "info"): string[] } {
  const lines: LogLine[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  const levels = { warn: 40, info: 30 };
  return {
    log,
    lines,
    messages: (level) => lines.filter((l) => l.level === levels[level]).map((l) => l.msg),
  };
}
