import { describe, expect, it } from "vitest";
import {
  mentionUsage,
  parseMentionCommand,
  stripBotMention,
} from "../../src/discord/mentions/parse-mention.ts";

const BOT = "111111111111111111";

describe("mention commands: what an agent types", () => {
  it("reads each command with a plain or #-prefixed task number", () => {
    expect(parseMentionCommand("start 12")).toEqual({ ok: true, command: { name: "start", number: 12 } });
    expect(parseMentionCommand("START #12")).toEqual({ ok: true, command: { name: "start", number: 12 } });
    expect(parseMentionCommand("release #3")).toEqual({ ok: true, command: { name: "release", number: 3 } });
    expect(parseMentionCommand("view 7")).toEqual({ ok: true, command: { name: "view", number: 7 } });
  });

  it("keeps the whole note, summary or reason, line breaks included", () => {
    expect(parseMentionCommand("progress 12 halfway there")).toEqual({
      ok: true,
      command: { name: "progress", number: 12, text: "halfway there" },
    });
    expect(parseMentionCommand("submit #12 done:\n- parser\n- tests")).toEqual({
      ok: true,
      command: { name: "submit", number: 12, text: "done:\n- parser\n- tests" },
    });
    expect(parseMentionCommand("fail 4   the API is down")).toEqual({
      ok: true,
      command: { name: "fail", number: 4, text: "the API is down" },
    });
  });

  it("reads next with no labels, space- or comma-separated labels, without duplicates", () => {
    expect(parseMentionCommand("next")).toEqual({ ok: true, command: { name: "next", labels: [] } });
    expect(parseMentionCommand("next backend, docs ops backend")).toEqual({
      ok: true,
      command: { name: "next", labels: ["backend", "docs", "ops"] },
    });
  });

  it("refuses malformed commands with a sentence that says what is wrong", () => {
    const problem = (text: string) => {
      const parsed = parseMentionCommand(text);
      return parsed.ok ? undefined : parsed.problem;
    };
    expect(problem("")).toBe("Say what to do.");
    expect(problem("dance 12")).toBe('I don\'t know the command "dance".');
    expect(problem("start")).toBe("start needs a task number, like `start 12`.");
    expect(problem("start twelve")).toBe('"twelve" is not a task number (like 12 or #12).');
    expect(problem("start 0")).toBe('"0" is not a task number (like 12 or #12).');
    expect(problem("start 99999999999")).toBe('"99999999999" is not a task number (like 12 or #12).');
    expect(problem("start 12 now")).toBe("start takes only a task number.");
    expect(problem("fail 12")).toBe("fail needs a reason after the task number.");
    expect(problem("submit")).toBe("submit needs a task number and a summary.");
    expect(problem("progress x note")).toBe('"x" is not a task number (like 12 or #12).');
    expect(problem(`next ${Array.from({ length: 11 }, (_, i) => `l${i}`).join(" ")}`)).toBe(
      "next takes at most 10 labels.",
    );
    expect(problem(`fail 1 ${"x".repeat(4001)}`)).toBe("The text after fail is longer than 4000 characters.");
  });

  it("answers help and usage with the usage", () => {
    expect(parseMentionCommand("help")).toEqual({ ok: true, command: { name: "help" } });
    expect(parseMentionCommand("usage")).toEqual({ ok: true, command: { name: "help" } });
  });

  it("removes the bot's mention wherever it is, in both user forms and as its role", () => {
    expect(stripBotMention(`<@${BOT}> start 12`, BOT)).toBe("start 12");
    expect(stripBotMention(`<@!${BOT}>   next ops`, BOT)).toBe("next ops");
    expect(stripBotMention(`<@&222222222222222222> view 1`, BOT, "222222222222222222")).toBe("view 1");
    expect(stripBotMention(`<@333333333333333333> start 1`, BOT)).toBe("<@333333333333333333> start 1");
  });

  it("lists every command in the usage", () => {
    const usage = mentionUsage(`<@${BOT}>`);
    for (const command of [
      "next [labels…]",
      "start <task>",
      "progress <task> <note>",
      "submit <task> <summary>",
    ]) {
      expect(usage).toContain(command);
    }
    expect(usage).toContain("fail <task> <reason>");
    expect(usage).toContain("release <task>");
    expect(usage).toContain("view <task>");
  });
});
