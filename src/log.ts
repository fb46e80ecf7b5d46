import { type Logger, pino } from "pino";

export type { Logger };

export interface LoggerOptions {
  level?: string;
  format?: "json" | "pretty";
}

/** JSON logs in production; pretty when a person watches a terminal. Secrets never reach a line. */
export function createLogger({ level = "info", format }: LoggerOptions = {}): Logger {
  const pretty = format
    ? format === "pretty"
    : process.stdout.isTTY === true && process.env.NODE_ENV !== "production";
  return pino({
    level,
    base: { service: "tasklane" },
    redact: {
      paths: [
        "token",
        "*.token",
        "config.DISCORD_TOKEN",
        "DISCORD_TOKEN",
        "authorization",
        "*.authorization",
        "headers.authorization",
        "password",
        "*.password",
      ],
      censor: "[redacted]",
    },
    ...(pretty
      ? { transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l" } } }
      : {}),
  });
}

export const silentLogger: Logger = pino({ level: "silent" });
