import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/errors.ts";
import { agentInputSchema, settingsPatchSchema } from "../../src/domain/validation/config-inputs.ts";
import { parseInput } from "../../src/domain/validation/parse.ts";
import {
  createTaskSchema,
  editTaskSchema,
  transitionSchema,
} from "../../src/domain/validation/task-inputs.ts";

const now = new Date("2030-01-01T12:00:00Z");
const create = (input: Record<string, unknown>) =>
  parseInput(createTaskSchema(now), { title: "Fix login", ...input });

function refusal(run: () => unknown): { field: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error("expected a ValidationError");
}

describe("task input validation", () => {
  it("normalises a good input", () => {
    expect(
      create({
        title: "  Fix login  ",
        labels: "Bug, UI ,bug,",
        due: "3d",
        estimate: "1h30m",
        priority: " HIGH ",
      }),
    ).toEqual({
      title: "Fix login",
      description: "",
      priority: "high",
      labels: ["bug", "ui"],
      due: new Date("2030-01-04T12:00:00Z"),
      estimate: 90,
      dependsOn: [],
    });
  });

  it.each([
    [{ title: "   " }, "title", "title must be 1–200 characters after trimming"],
    [{ title: "x".repeat(201) }, "title", "title must be 1–200 characters after trimming"],
    [{ title: 42 }, "title", "title must be text"],
    [{ description: "x".repeat(4001) }, "description", "description must be at most 4000 characters"],
    [{ priority: "urgent" }, "priority", "priority must be one of low, medium, high, critical"],
    [
      { labels: Array.from({ length: 11 }, (_, i) => `l${i}`) },
      "labels",
      "labels must have at most 10 labels (got 11)",
    ],
    [{ labels: ["x".repeat(33)] }, "labels", "labels must each be at most 32 characters"],
    [{ labels: "good, not good" }, "labels", "labels may only use letters, digits"],
    [{ due: "2030-01-01T11:00:00Z" }, "due", "due must not be in the past"],
    [{ due: "yesterday" }, "due", "due must be a date like 2030-03-01"],
    [{ due: "2030-02-30" }, "due", "due must be a date like"],
    [{ due: "5000d" }, "due", "due must be within 10 years"],
    [{ estimate: "soon" }, "estimate", "estimate must look like 90m, 2h or 1d"],
    [{ estimate: "0m" }, "estimate", "estimate must be at least 1 minute"],
    [{ estimate: "400d" }, "estimate", "estimate must be at most 365d"],
    [{ assigneeId: "bob" }, "assigneeId", "assignee must be a Discord id (17–20 digits)"],
    [{ parentNumber: 0 }, "parentNumber", "parent must be a task number like 12"],
    [{ parentNumber: 1.5 }, "parentNumber", "parent must be a whole number"],
    [{ dependsOn: "3, x" }, "dependsOn", "depends on must be task numbers like 3, 4"],
  ])("refuses %j naming %s", (input, field, message) => {
    const error = refusal(() => create(input));
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it("accepts due dates as ISO dates (end of day, UTC), date-times and relative durations", () => {
    expect(create({ due: "2030-01-01" }).due).toEqual(new Date("2030-01-01T23:59:59.999Z"));
    expect(create({ due: "2030-01-02T09:30" }).due).toEqual(new Date("2030-01-02T09:30:00Z"));
    expect(create({ due: "2030-01-02T09:30+02:00" }).due).toEqual(new Date("2030-01-02T07:30:00Z"));
    expect(create({ due: "2h" }).due).toEqual(new Date("2030-01-01T14:00:00Z"));
  });

  it("reads estimates in minutes, hours and days", () => {
    expect(create({ estimate: "90m" }).estimate).toBe(90);
    expect(create({ estimate: "2h" }).estimate).toBe(120);
    expect(create({ estimate: "1d" }).estimate).toBe(1440);
  });

  it("reads dependency lists as numbers or text", () => {
    expect(create({ dependsOn: "#3, 4 4" }).dependsOn).toEqual([3, 4]);
    expect(create({ dependsOn: [5, 6] }).dependsOn).toEqual([5, 6]);
  });

  it("lets an edit clear the due date, the estimate and the parent", () => {
    expect(parseInput(editTaskSchema(now), { due: "none", estimate: "", parentNumber: null })).toEqual({
      due: null,
      estimate: null,
      parentNumber: null,
    });
  });

  it("validates transitions", () => {
    expect(refusal(() => parseInput(transitionSchema, { number: 1, action: "explode" })).field).toBe(
      "action",
    );
    expect(
      refusal(() => parseInput(transitionSchema, { number: 1, action: "claim", text: "x".repeat(1001) })),
    ).toEqual({
      field: "text",
      message: "text must be at most 1000 characters",
    });
    expect(
      refusal(() => parseInput(transitionSchema, { number: 1, action: "claim", expectedVersion: 0 })),
    ).toEqual({
      field: "expectedVersion",
      message: "version must be at least 1",
    });
  });
});

describe("settings and agent validation", () => {
  it.each([
    [{ queueLimit: 0 }, "queueLimit", "queue limit must be 1–10000"],
    [{ maxAttempts: 21 }, "maxAttempts", "max attempts must be 1–20"],
    [{ leaseMinutes: 0 }, "leaseMinutes", "lease minutes must be 1–10080"],
    [{ reviewerRoleId: "role" }, "reviewerRoleId", "reviewer role must be a Discord id (17–20 digits)"],
    [{ autoAssign: "random" }, "autoAssign", "auto assign must be one of off, least_loaded"],
    [{ requireReview: "yes" }, "requireReview", "require review must be true or false"],
  ])("refuses %j naming %s", (patch, field, message) => {
    expect(refusal(() => parseInput(settingsPatchSchema, patch))).toEqual({ field, message });
  });

  it("accepts removing the queue limit and the reviewer role", () => {
    expect(parseInput(settingsPatchSchema, { queueLimit: null, reviewerRoleId: null })).toEqual({
      queueLimit: null,
      reviewerRoleId: null,
    });
  });

  it("validates agents", () => {
    expect(parseInput(agentInputSchema, { userId: "300000000000000001", labels: "Docs" })).toEqual({
      userId: "300000000000000001",
      labels: ["docs"],
      maxConcurrent: 1,
    });
    expect(
      refusal(() => parseInput(agentInputSchema, { userId: "300000000000000001", maxConcurrent: 101 })),
    ).toEqual({
      field: "maxConcurrent",
      message: "max concurrent must be 1–100",
    });
  });
});
