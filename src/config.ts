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

const flag = z.preprocess(
  emptyAsUndefined,
  z
    .enum(["true", "false", "1", "0", "yes", "no"], "must be true or false")
    .default("false")
    .transform((value) => value === "true" || value === "1" || value === "yes"),
);

const shardIds = z
  .string()
  .trim()
  .regex(/^\d+(\s*,\s*\d+)*$/, "must list shard ids separated by commas, e.g. 0,1")
  .transform((value) => [...new Set(value.split(",").map((id) => Number(id.trim())))].sort((a, b) => a - b));

export const configSchema = z
  .object({
    DISCORD_TOKEN: optionalText,
    DISCORD_APP_ID: z.preprocess(emptyAsUndefined, snowflake.optional()),
    DISCORD_GUILD_ID: z.preprocess(emptyAsUndefined, snowflake.optional()),
    DISCORD_API_URL: z.preprocess(emptyAsUndefined, url(["http:", "https:"]).optional()),
    DATABASE_URL: z.preprocess(emptyAsUndefined, url(["postgres:", "postgresql:"]).optional()),
    REDIS_URL: z.preprocess(emptyAsUndefined, url(["redis:", "rediss:"]).optional()),
    /** Every Redis key starts with it: one Redis can serve several deployments. */
    REDIS_KEY_PREFIX: z.preprocess(emptyAsUndefined, z.string().max(64).default("tl:")),
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
    /** Mention commands a bot account may send per minute; past it, one refusal and then silence. */
    AGENT_COMMAND_BUDGET: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(30)),
    /** Shards of the whole bot; with SHARD_IDS, the ones this instance runs (default: all of them). */
    SHARD_COUNT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(4096).optional()),
    SHARD_IDS: z.preprocess(emptyAsUndefined, shardIds.optional()),
    /** How long a graceful stop (SIGTERM/SIGINT) waits for work in flight before closing anyway. */
    SHUTDOWN_GRACE_MS: z.preprocess(
      emptyAsUndefined,
      z.coerce.number().int().min(0).max(600_000).default(10_000),
    ),
    /** Without REDIS_URL a second instance on the same database refuses to start unless this is true. */
    ALLOW_INSTANCES_WITHOUT_REDIS: flag,
  })
  .superRefine((config, context) => {
    if (config.SHARD_IDS && config.SHARD_COUNT === undefined)
      context.addIssue({
        code: "custom",
        path: ["SHARD_IDS"],
        message: "needs SHARD_COUNT (the bot's total shards)",
      });
    const ids = Array.isArray(config.SHARD_IDS) ? config.SHARD_IDS : [];
    const outside = ids.find((id) => id >= (config.SHARD_COUNT ?? 0));
    if (config.SHARD_COUNT !== undefined && outside !== undefined)
      context.addIssue({
        code: "custom",
        path: ["SHARD_IDS"],
        message: `lists shard ${outside}, but SHARD_COUNT=${config.SHARD_COUNT} has shards 0 to ${config.SHARD_COUNT - 1}`,
      });
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
