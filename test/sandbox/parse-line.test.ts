import { describe, expect, it } from "vitest";
import { parseLine } from "../../scripts/sandbox/parse-line.ts";

describe("sandbox line parser", () => {
  it("skips blank lines and # comments, but not a # later in the line", () => {
    expect(parseLine("")).toEqual({ kind: "blank" });
    expect(parseLine("   # a review cycle")).toEqual({ kind: "blank" });
    expect(parseLine("click Approve on #3")).toEqual({ kind: "click", label: "Approve", task: 3 });
  });

  it("moves the bot's clock with later, by a duration of at most 30 days", () => {
    expect(parseLine("later 2h")).toEqual({ kind: "later", ms: 2 * 3_600_000 });
    expect(parseLine("later 1d30m")).toEqual({ kind: "later", ms: (24 * 60 + 30) * 60_000 });
    expect(parseLine("later")).toEqual({ kind: "later", ms: 3_600_000 });
    expect(parseLine("later soon")).toMatchObject({ kind: "error" });
    expect(parseLine("later 31d")).toEqual({ kind: "error", message: "later by at most 30d" });
  });

  it("switches who is typing and where, with or without @ and #", () => {
    expect(parseLine("as alice")).toEqual({ kind: "as", user: "alice" });
    expect(parseLine("as @rita")).toEqual({ kind: "as", user: "rita" });
    expect(parseLine("in #backend")).toEqual({ kind: "in", channel: "backend" });
    expect(parseLine("in general")).toEqual({ kind: "in", channel: "general" });
  });

  it("keeps a slash command's text for parsing against the deployed definitions", () => {
    expect(parseLine('/task create title:"Fix login" priority:high')).toEqual({
      kind: "slash",
      text: 'task create title:"Fix login" priority:high',
    });
    expect(parseLine("/tasks queue")).toEqual({ kind: "slash", text: "tasks queue" });
  });

  it("reads button labels of several words, quoted or not, with or without a task", () => {
    expect(parseLine("click Request rework on #12")).toEqual({
      kind: "click",
      label: "Request rework",
      task: 12,
    });
    expect(parseLine('click "Submit for review" on 4')).toEqual({
      kind: "click",
      label: "Submit for review",
      task: 4,
    });
    expect(parseLine("click Next")).toEqual({ kind: "click", label: "Next" });
  });

  it("reads modal fields as name:value, quoted or running on to the next name", () => {
    expect(parseLine('submit modal reason:"needs tests"')).toEqual({
      kind: "submit-modal",
      fields: { reason: "needs tests" },
    });
    expect(parseLine("submit modal title:Ship it description:before Friday, please")).toEqual({
      kind: "submit-modal",
      fields: { title: "Ship it", description: "before Friday, please" },
    });
    expect(parseLine("submit modal")).toEqual({ kind: "submit-modal", fields: {} });
  });

  it("keeps a message exactly as typed (mentions are resolved later)", () => {
    expect(parseLine('say @Tasklane submit 12 "done" and tested')).toEqual({
      kind: "say",
      text: '@Tasklane submit 12 "done" and tested',
    });
  });

  it("reads waits in seconds or milliseconds", () => {
    expect(parseLine("wait 2s")).toEqual({ kind: "wait", ms: 2000 });
    expect(parseLine("wait 250ms")).toEqual({ kind: "wait", ms: 250 });
    expect(parseLine("wait")).toEqual({ kind: "wait", ms: 1000 });
  });

  it("knows help, quit and the json switch", () => {
    expect(parseLine("help")).toEqual({ kind: "help" });
    expect(parseLine("quit")).toEqual({ kind: "quit" });
    expect(parseLine("exit")).toEqual({ kind: "quit" });
    expect(parseLine("json on")).toEqual({ kind: "json", show: true });
  });

  it("says what is wrong with a line it cannot read, instead of guessing", () => {
    expect(parseLine("clik Approve on #3")).toEqual({
      kind: "error",
      message: '"clik" is not something the sandbox knows; type help',
    });
    expect(parseLine("as")).toMatchObject({ kind: "error", message: expect.stringContaining("as whom") });
    expect(parseLine("submit reason:x")).toMatchObject({
      kind: "error",
      message: expect.stringContaining("submit modal"),
    });
    expect(parseLine('submit modal reason:"never closed')).toMatchObject({
      kind: "error",
      message: expect.stringContaining("unclosed"),
    });
    expect(parseLine("submit modal needs tests")).toMatchObject({
      kind: "error",
      message: expect.stringContaining("name:value"),
    });
    expect(parseLine("/")).toMatchObject({ kind: "error" });
  });
});
