import { Writable } from "node:stream";
import { DiscordAPIError } from "discord.js";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.ts";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ level: "info", destination }), text: () => lines.join("") };
}

describe("logs", () => {
  it("never carry an interaction or webhook token from a failed Discord request", () => {
    const token = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmFiY2RlZg";
    const error = new DiscordAPIError(
      { code: 10062, message: "Unknown interaction" },
      10062,
      404,
      "POST",
      `https://discord.com/api/v10/interactions/123456789012345678/${token}/callback?with_response=false`,
      { body: { type: 4, data: { content: "hi" } } },
    );
    const followUp = new DiscordAPIError(
      { code: 50035, message: "Invalid Form Body" },
      50035,
      400,
      "PATCH",
      `https://discord.com/api/v10/webhooks/223456789012345678/${token}/messages/@original`,
      { body: {} },
    );
    const { log, text } = capture();
    log.error({ err: error, interactionId: "1" }, "interaction failed");
    log.warn({ err: followUp }, "edit failed");
    expect(text()).not.toContain(token);
    expect(text()).toContain("/interactions/123456789012345678/[redacted]/callback");
    expect(text()).toContain("/webhooks/223456789012345678/[redacted]/messages/@original");
    expect(text()).toContain("Unknown interaction");
  });

  it("never carry the bot token or a password", () => {
    const { log, text } = capture();
    log.info({ config: { DISCORD_TOKEN: "MTIz.secret.token" }, password: "hunter2" }, "starting");
    expect(text()).not.toContain("MTIz.secret.token");
    expect(text()).not.toContain("hunter2");
    expect(text()).toContain("[redacted]");
  });
});
