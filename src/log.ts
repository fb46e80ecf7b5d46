import { type DestinationStream, type Logger, type LoggerOptions as PinoOptions, pino } from "pino";

export type { Logger };

export interface LoggerOptions {
  level?: string;
  format?: "json" | "pretty";
  /** Where lines go (tests capture them); default stdout. */
  destination?: DestinationStream;
}

/**
 * Interaction and webhook tokens sit in Discord URLs (`/interactions/<id>/<token>/callback`,
 * `/webhooks/<app>/<token>/…`), and discord.js errors carry those URLs. A token lets anyone answer as
 * the bot for 15 minutes, so every string of a logged error is scrubbed.
 */
const TOKEN_IN_URL = /(\/(?:interactions|webhooks)\/\d+\/)[^/?\s"']+/g;

export function scrubTokens(text: string): string {
  return text.replace(TOKEN_IN_URL, "$1[redacted]");
}

function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubTokens(value);
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubDeep(item, depth + 1)]));
}

/** Settings shared by every Tasklane logger: secrets never reach a line. */
export const loggerSettings: PinoOptions = {
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
      "err.requestBody",
    ],
    censor: "[redacted]",
  },
  serializers: { err: (error: Error) => scrubDeep(pino.stdSerializers.err(error)) },
};

/** JSON logs in production; pretty when a person watches a terminal. */
export function createLogger({ level = "info", format, destination }: LoggerOptions = {}): Logger {
  const pretty =
    !destination &&
    (format ? format === "pretty" : process.stdout.isTTY === true && process.env.NODE_ENV !== "production");
  const options: PinoOptions = {
    ...loggerSettings,
    level,
    ...(pretty
      ? { transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l" } } }
      : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}

export const silentLogger: Logger = pino({ level: "silent" });
