import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

describe("loadConfig", () => {
  it("starts from an empty environment with the embedded defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ DATA_DIR: "./data", LOG_LEVEL: "info", HTTP_PORT: 8080 });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.DISCORD_TOKEN).toBeUndefined();
  });

  it("treats empty values (as copied from .env.example) as unset", () => {
    const config = loadConfig({ DATABASE_URL: "", REDIS_URL: " ", HTTP_PORT: "", DISCORD_TOKEN: "" });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.HTTP_PORT).toBe(8080);
    expect(config.DISCORD_TOKEN).toBeUndefined();
  });

  it("accepts a production environment", () => {
    const config = loadConfig({
      DISCORD_TOKEN: "abc.def.ghi",
      DISCORD_APP_ID: "123456789012345678",
      DATABASE_URL: "postgres://tasklane:pw@db:5432/tasklane",
      REDIS_URL: "redis://cache:6379",
      HTTP_PORT: "9000",
      LOG_LEVEL: "warn",
    });
    expect(config.HTTP_PORT).toBe(9000);
    expect(config.DATABASE_URL).toBe("postgres://tasklane:pw@db:5432/tasklane");
  });

  it.each([
    ["HTTP_PORT", "eighty"],
    ["HTTP_PORT", "70000"],
    ["DATABASE_URL", "mysql://db/tasklane"],
    ["REDIS_URL", "not a url"],
    ["DISCORD_APP_ID", "12ab"],
    ["DISCORD_GUILD_ID", "1"],
    ["DISCORD_API_URL", "ftp://example"],
    ["LOG_LEVEL", "loud"],
    ["RATE_LIMIT_WRITES", "0"],
  ])("refuses %s=%s with one line naming the variable", (variable, value) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.startsWith(`Invalid ${variable}:`)).toBe(true);
    expect(message).not.toContain("\n");
  });

  it("never echoes a database password in its message", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://u:hunter2@db/x" })).toThrow(/\*\*\*/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://u:hunter2@db/x" })).not.toThrow(/hunter2/);
  });

  it("reads the shards this instance runs, the grace period and the no-Redis switch", () => {
    const config = loadConfig({ SHARD_COUNT: "4", SHARD_IDS: "3, 1", SHUTDOWN_GRACE_MS: "2500" });
    expect(config).toMatchObject({ SHARD_COUNT: 4, SHARD_IDS: [1, 3], SHUTDOWN_GRACE_MS: 2500 });
    expect(config.ALLOW_INSTANCES_WITHOUT_REDIS).toBe(false);
    expect(loadConfig({}).SHUTDOWN_GRACE_MS).toBe(10_000);
    expect(loadConfig({ ALLOW_INSTANCES_WITHOUT_REDIS: "true" }).ALLOW_INSTANCES_WITHOUT_REDIS).toBe(true);
  });

  it.each([
    [{ SHARD_IDS: "0" }, "Invalid SHARD_IDS: needs SHARD_COUNT (the bot's total shards)"],
    [
      { SHARD_COUNT: "2", SHARD_IDS: "0,2" },
      "Invalid SHARD_IDS: lists shard 2, but SHARD_COUNT=2 has shards 0 to 1",
    ],
    [{ SHARD_COUNT: "2", SHARD_IDS: "zero" }, "Invalid SHARD_IDS: must list shard ids separated by commas"],
    [{ SHARD_COUNT: "0" }, "Invalid SHARD_COUNT:"],
    [
      { ALLOW_INSTANCES_WITHOUT_REDIS: "maybe" },
      "Invalid ALLOW_INSTANCES_WITHOUT_REDIS: must be true or false",
    ],
  ])("refuses %o with one line naming the variable", (env, start) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(start);
  });
});
