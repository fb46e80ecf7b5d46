import { z } from "zod";

const snowflake = z.string().regex(/^\d{17,20}$/, "must be a Discord id (17–20 digits)");
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`,
    );

const emptyAsUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

export const configSchema = z.object({
  DISCORD_TOKEN: optionalText,
  DISCORD_APP_ID: z.preprocess(emptyAsUndefined, snowflake.optional()),
  DISCORD_GUILD_ID: z.preprocess(emptyAsUndefined, snowflake.optional()),
  DISCORD_API_URL: z.preprocess(emptyAsUndefined, url(["http:", "https:"]).optional()),
  DATABASE_URL: z.preprocess(emptyAsUndefined, url(["postgres:", "postgresql:"]).optional()),
  REDIS_URL: z.preprocess(emptyAsUndefined, url(["redis:", "rediss:"]).optional()),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default("./data")),
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  LOG_FORMAT: z.preprocess(emptyAsUndefined, z.enum(["json", "pretty"]).optional()),
  HTTP_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(8080)),
  HTTP_HOST: z.preprocess(emptyAsUndefined, z.string().default("0.0.0.0")),
  RATE_LIMIT_WRITES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(10)),
  RATE_LIMIT_READS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(60)),
  RATE_LIMIT_WINDOW_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(10)),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once. A bad value throws one ConfigError line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0] ?? "environment");
  const shown =
    env[variable] === undefined ? "" : ` (got ${JSON.stringify(redactValue(variable, env[variable]!))})`;
  throw new ConfigError(`Invalid ${variable}: ${issue.message}${shown}`);
}

function redactValue(variable: string, value: string): string {
  if (variable === "DISCORD_TOKEN") return "[redacted]";
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return value;
  }
}
