import { describe, expect, it } from "vitest";
import { prefill } from "../../commands/create-task-from-message/context-menu.ts";
import { parseTaskNumbers } from "../../commands/read-task-fields.ts";
import { parseCustomId } from "../../src/discord/custom-id.ts";
import { pagingButtons } from "../../src/discord/render/paging.ts";
import { historyLine, renderHistory } from "../../src/discord/render/task-history.ts";
import { renderTaskList, taskLine } from "../../src/discord/render/task-list.ts";
import type { TaskEventView } from "../../src/domain/task-event.ts";
import { taskView } from "./task-view-fixture.ts";

describe("list pages", () => {
  it("one line per task: number, title, status, priority, assignee", () => {
    expect(taskLine(taskView({ status: "in_review", assigneeId: "100000000000000020", dueAt: null }))).toBe(
      "**#12** Fix login redirect · In review · High · <@100000000000000020>",
    );
  });

  it("says how many matched and which page", () => {
    const embed = renderTaskList({
      title: "Tasks",
      items: [taskView()],
      total: 23,
      pageNumber: 2,
      pageSize: 10,
    });
    expect(embed.footer?.text).toBe("23 matched · page 2 of 3");
    const empty = renderTaskList({
      title: "Tasks",
      items: [],
      total: 0,
      pageNumber: 1,
      pageSize: 10,
      empty: "None.",
    });
    expect(empty.description).toBe("None.");
    expect(empty.footer?.text).toBe("0 matched · page 1 of 1");
  });

  it("stays within 4096 characters however long the titles", () => {
    const items = Array.from({ length: 25 }, (_, i) => taskView({ number: i + 1, title: "x".repeat(200) }));
    const embed = renderTaskList({ title: "Tasks", items, total: 25, pageNumber: 1, pageSize: 25 });
    expect(embed.description!.length).toBeLessThanOrEqual(4096);
    expect(embed.description!.endsWith("…")).toBe(true);
  });

  it("Previous/Next: a missing page is a disabled button, both carry parseable ids", () => {
    const buttons = pagingButtons(null, "tok_next");
    expect(buttons.map((b) => ("label" in b ? [b.label, b.disabled] : []))).toEqual([
      ["Previous", true],
      ["Next", false],
    ]);
    for (const button of buttons)
      expect(parseCustomId("custom_id" in button ? button.custom_id : "")?.kind).toBe("page");
    expect(pagingButtons(null, null)).toEqual([]);
  });
});

describe("history", () => {
  const event = (overrides: Partial<TaskEventView>): TaskEventView => ({
    id: 1,
    actorId: "100000000000000030",
    kind: "rework_requested",
    fromStatus: "in_review",
    toStatus: "in_progress",
    details: { text: "Needs\n a test" },
    source: "modal",
    at: "2030-01-01T10:00:00.000Z",
    ...overrides,
  });

  it("one line per event: when, who, what, the status change, the door, the reason", () => {
    expect(historyLine(event({}))).toBe(
      "<t:1893492000:f> · <@100000000000000030> · **rework requested** (In review → In progress) · modal — Needs a test",
    );
    expect(historyLine(event({ kind: "commented", fromStatus: null, toStatus: null, details: {} }))).toBe(
      "<t:1893492000:f> · <@100000000000000030> · **commented** · modal",
    );
  });

  it("titles the embed with the task and counts the events", () => {
    const embed = renderHistory(taskView(), [event({})], 31, 1, 15);
    expect(embed.title).toBe("History of #12 · Fix login redirect");
    expect(embed.footer?.text).toBe("31 events, newest first · page 1 of 3");
  });
});

describe("option parsing", () => {
  it("depends-on: numbers with or without #, separated by commas or spaces", () => {
    expect(parseTaskNumbers("3, #7 12,3", "depends-on")).toEqual([3, 7, 12]);
    expect(() => parseTaskNumbers("3, soon", "depends-on")).toThrow(
      'depends-on must be task numbers separated by commas, like 3, 7 ("soon" isn\'t one).',
    );
    expect(() => parseTaskNumbers("0", "depends-on")).toThrow(/isn't one/);
  });

  it("Create task from message: title from the first line, the rest and a link back as the description", () => {
    const message = {
      content: "Login breaks on Safari\nSteps:\n1. open",
      url: "https://discord.com/channels/1/2/3",
      author: { username: "bob" },
    };
    expect(prefill(message as never)).toEqual({
      title: "Login breaks on Safari",
      description: "Steps:\n1. open\n\nFrom: https://discord.com/channels/1/2/3",
    });
    const empty = { content: "", url: "https://discord.com/channels/1/2/3", author: { username: "bob" } };
    expect(prefill(empty as never)).toEqual({
      title: "Message from bob",
      description: "From: https://discord.com/channels/1/2/3",
    });
    const long = prefill({ ...message, content: `${"t".repeat(300)}\n${"d".repeat(5000)}` } as never);
    expect(long.title).toHaveLength(200);
    expect(long.description.length).toBeLessThanOrEqual(4000);
    expect(long.description.endsWith("From: https://discord.com/channels/1/2/3")).toBe(true);
  });
});
