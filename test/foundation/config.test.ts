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
});
