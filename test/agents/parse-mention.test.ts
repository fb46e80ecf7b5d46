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
    for (const command of [
      "ask <task> <question>",
      "approve <task> [note]",
      "rework <task> <reason>",
      "comment <task> <text>",
      "block <task> <reason>",
      "create <title> [parent:<task>] [labels:<a,b>]",
    ]) {
      expect(usage).toContain(command);
    }
  });

  it("reads the review-loop verbs: ask, approve (note optional), rework, comment, block, create", () => {
    expect(parseMentionCommand("ask 3 which branch?")).toEqual({
      ok: true,
      command: { name: "ask", number: 3, text: "which branch?" },
    });
    expect(parseMentionCommand("approve #3")).toEqual({
      ok: true,
      command: { name: "approve", number: 3, text: "" },
    });
    expect(parseMentionCommand("approve 3 all green")).toEqual({
      ok: true,
      command: { name: "approve", number: 3, text: "all green" },
    });
    expect(parseMentionCommand("rework 3 the test is flaky")).toEqual({
      ok: true,
      command: { name: "rework", number: 3, text: "the test is flaky" },
    });
    expect(parseMentionCommand("rework 3")).toEqual({
      ok: false,
      problem: "rework needs a reason after the task number.",
    });
    expect(parseMentionCommand("block 3")).toEqual({
      ok: false,
      problem: "block needs a reason after the task number.",
    });
    expect(parseMentionCommand("comment 3 fyi")).toEqual({
      ok: true,
      command: { name: "comment", number: 3, text: "fyi" },
    });
    expect(parseMentionCommand("create Fix the flaky test parent:#3 labels:ci,tests")).toEqual({
      ok: true,
      command: { name: "create", title: "Fix the flaky test", parentNumber: 3, labels: "ci,tests" },
    });
    expect(parseMentionCommand("create labels:ci")).toEqual({
      ok: false,
      problem: "create needs a title, like `create Fix the flaky test parent:12`.",
    });
    expect(parseMentionCommand("create X parent:abc")).toEqual({
      ok: false,
      problem: '"parent:abc" needs a task number (like parent:12).',
    });
  });

  it("reads submit's evidence block apart from the summary, and refuses one that is not JSON", () => {
    expect(parseMentionCommand('submit 4 done\n```json\n{"tests":{"passed":1,"failed":0}}\n```')).toEqual({
      ok: true,
      command: { name: "submit", number: 4, text: "done", evidence: { tests: { passed: 1, failed: 0 } } },
    });
    expect(parseMentionCommand('submit 4 ```json\n{"summary":"all in the block"}\n```')).toEqual({
      ok: true,
      command: { name: "submit", number: 4, text: "", evidence: { summary: "all in the block" } },
    });
    const bad = parseMentionCommand("submit 4 done ```json\n{nope}\n```");
    expect(bad.ok === false && bad.problem).toMatch(/^The ```json evidence block is not valid JSON \(/);
    expect(parseMentionCommand('submit 4 ```json\n{"files":[]}\n```')).toEqual({
      ok: false,
      problem: "submit needs a summary after the task number (or a summary in the block).",
    });
  });

  it("in a task's thread, leaves the task out (its thread's), and still takes another number", () => {
    const inThread = (text: string) => parseMentionCommand(text, 12);
    expect(inThread("start")).toEqual({ ok: true, command: { name: "start", number: 12 } });
    expect(inThread("submit done")).toEqual({
      ok: true,
      command: { name: "submit", number: 12, text: "done" },
    });
    expect(inThread("comment looks good")).toEqual({
      ok: true,
      command: { name: "comment", number: 12, text: "looks good" },
    });
    expect(inThread("approve")).toEqual({ ok: true, command: { name: "approve", number: 12, text: "" } });
    expect(inThread('submit ```json\n{"summary":"in the block"}\n```')).toEqual({
      ok: true,
      command: { name: "submit", number: 12, text: "", evidence: { summary: "in the block" } },
    });
    expect(inThread("comment #7 over there")).toEqual({
      ok: true,
      command: { name: "comment", number: 7, text: "over there" },
    });
    expect(inThread("view 3")).toEqual({ ok: true, command: { name: "view", number: 3 } });
    // next and create name no task; a verb that needs text still needs it.
    expect(inThread("next docs")).toEqual({ ok: true, command: { name: "next", labels: ["docs"] } });
    expect(inThread("create Fix it")).toEqual({ ok: true, command: { name: "create", title: "Fix it" } });
    expect(inThread("progress")).toEqual({
      ok: false,
      problem: "progress needs a note after the task number.",
    });
    // Outside a thread the number is still required.
    expect(parseMentionCommand("submit done")).toMatchObject({ ok: false });
  });
});
