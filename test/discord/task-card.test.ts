import { describe, expect, it } from "vitest";
import { parseCustomId } from "../../src/discord/custom-id.ts";
import { embedLength } from "../../src/discord/render/limits.ts";
import { OVERDUE_COLOUR, STATUS_COLOURS } from "../../src/discord/render/status-style.ts";
import { renderTaskCard } from "../../src/discord/render/task-card.ts";
import type { TaskStatus } from "../../src/store/schema.ts";
import { taskView } from "./task-view-fixture.ts";

const ASSIGNEE = "100000000000000020";
const labelsOf = (status: TaskStatus, requireReview = true, assigneeId: string | null = ASSIGNEE) =>
  renderTaskCard(taskView({ status, assigneeId }), { requireReview }).components.flatMap((row) =>
    row.components.map((button) => ("label" in button ? button.label : undefined)),
  );

describe("task card", () => {
  it.each([
    ["open", ["Start"]],
    ["in_progress", ["Submit for review", "Submit with a note", "Release"]],
    ["in_review", ["Approve", "Request rework"]],
    ["blocked", ["Unblock"]],
    ["done", ["Reopen"]],
    ["cancelled", ["Reopen"]],
    ["failed", ["Reopen"]],
  ] as const)("a %s task shows exactly %o", (status, labels) => {
    expect(labelsOf(status)).toEqual(labels);
  });

  it("a live task past its due time says Overdue, in the overdue colour; a closed one does not", () => {
    const due = (status: TaskStatus) => {
      const embed = renderTaskCard(taskView({ status, overdue: true }), { requireReview: true }).embeds[0]!;
      return { due: embed.fields!.find((field) => field.name === "Due")!.value, color: embed.color };
    };
    expect(due("in_progress").due).toMatch(/^<t:\d+:f> \(<t:\d+:R>\) · \*\*Overdue\*\*$/);
    expect(due("in_progress").color).toBe(OVERDUE_COLOUR);
    expect(due("done").due).not.toContain("Overdue");
    expect(due("done").color).toBe(STATUS_COLOURS.done);
    const onTime = renderTaskCard(taskView({ status: "open" }), { requireReview: true }).embeds[0]!;
    expect(onTime.color).toBe(STATUS_COLOURS.open);
  });

  it("a recurring task's card says how it repeats", () => {
    const card = renderTaskCard(taskView({ repeat: "weekdays" }), { requireReview: true });
    expect(card.embeds[0]!.description).toContain("Repeats on weekdays");
    const closed = renderTaskCard(taskView({ repeat: "weekly", status: "done", nextOccurrence: 13 }), {
      requireReview: true,
    });
    expect(closed.embeds[0]!.description).toContain("Repeats weekly · Next occurrence #13");
    expect(renderTaskCard(taskView(), { requireReview: true }).embeds[0]!.description ?? "").not.toContain(
      "Repeats",
    );
  });

  it("an open task with nobody on it shows Claim alone; once someone holds it, Start alone", () => {
    expect(labelsOf("open", true, null)).toEqual(["Claim"]);
    expect(labelsOf("open", true, ASSIGNEE)).toEqual(["Start"]);
    expect(labelsOf("blocked", true, null)).toEqual(["Unblock"]);
  });

  it("shows Mark done instead of Submit for review where review is not required", () => {
    expect(labelsOf("in_progress", false)).toEqual(["Mark done", "Mark done with a note", "Release"]);
  });

  it("shows Answer only while the assignee's question waits for one", () => {
    const question = { text: "Which branch?", askedBy: "111", at: "2026-01-01T00:00:00.000Z" };
    const waiting = renderTaskCard(taskView({ status: "in_progress", assigneeId: ASSIGNEE, question }), {
      requireReview: true,
    });
    const labels = waiting.components.flatMap((row) =>
      row.components.map((button) => ("label" in button ? button.label : undefined)),
    );
    expect(labels).toEqual(["Submit for review", "Submit with a note", "Release", "Answer"]);
    expect(labelsOf("in_progress")).not.toContain("Answer");
  });

  it("each button names the task's internal id, its number and the version shown", () => {
    const card = renderTaskCard(taskView({ id: 41, number: 17, version: 9, status: "in_review" }), {
      requireReview: true,
    });
    const ids = card.components[0]!.components.map((button) =>
      parseCustomId("custom_id" in button ? button.custom_id : ""),
    );
    expect(ids).toEqual([
      { kind: "card", action: "approve", taskId: 41, number: 17, version: 9 },
      { kind: "card", action: "rework", taskId: 41, number: 17, version: 9 },
    ]);
  });

  it("is titled #number · title, with the fields in order and a colour per status", () => {
    const [embed] = renderTaskCard(taskView({ status: "in_progress", assigneeId: "100000000000000020" }), {
      requireReview: true,
    }).embeds;
    expect(embed!.title).toBe("#12 · Fix login redirect");
    expect(embed!.fields!.map((field) => field.name)).toEqual([
      "Status",
      "Priority",
      "Assignee",
      "Labels",
      "Due",
      "Depends on",
      "Subtasks",
    ]);
    expect(embed!.fields![0]!.value).toBe("In progress");
    expect(embed!.fields![2]!.value).toBe("<@100000000000000020>");
    expect(embed!.color).toBe(STATUS_COLOURS.in_progress);
    expect(new Set(Object.values(STATUS_COLOURS)).size).toBe(7);
  });

  it("names the creator and the last change in the footer", () => {
    const names: Record<string, string> = { "100000000000000010": "alice", "100000000000000030": "rita" };
    const [embed] = renderTaskCard(
      taskView({
        lastEvent: {
          actorId: "100000000000000030",
          kind: "changes_requested",
          at: "2030-01-01T00:00:00.000Z",
        },
      }),
      { requireReview: true, nameOf: (id) => names[id] ?? id },
    ).embeds;
    expect(embed!.footer!.text).toBe("Created by alice · last: changes requested by rita");
  });

  it("lists dependencies and subtasks with their status", () => {
    const [embed] = renderTaskCard(
      taskView({
        dependencies: [{ number: 3, title: "Schema", status: "done", channelId: "100000000000000002" }],
        subtasks: [{ number: 14, title: "Tests", status: "open", channelId: "100000000000000002" }],
      }),
      { requireReview: true },
    ).embeds;
    expect(embed!.fields![5]!.value).toBe("#3 Schema (Done)");
    expect(embed!.fields![6]!.value).toBe("#14 Tests (Open)");
  });

  it("cuts a huge description visibly and stays within Discord's limits", () => {
    const [embed] = renderTaskCard(
      taskView({
        title: "T".repeat(200),
        description: "D".repeat(4000),
        labels: Array.from({ length: 10 }, (_, i) => `l${"x".repeat(30)}${i}`),
      }),
      { requireReview: true },
    ).embeds;
    expect(embed!.title!.length).toBeLessThanOrEqual(256);
    expect(embed!.description!.length).toBeLessThanOrEqual(4096);
    expect(embedLength(embed!)).toBeLessThanOrEqual(6000);
  });

  it("user text in a title stays text: no @everyone lookalike, no role mention markup", () => {
    const [embed] = renderTaskCard(taskView({ title: "@everyone hi <@&123456789012345678>" }), {
      requireReview: true,
    }).embeds;
    expect(embed!.title).toBe("#12 · @\u200beveryone hi \\<@&123456789012345678>");
  });

  it("can be shown without buttons", () => {
    expect(renderTaskCard(taskView(), { requireReview: true, withButtons: false }).components).toEqual([]);
  });
});
