import { beforeAll, describe, expect, it } from "vitest";
import { systemReader } from "../../src/services/actors.ts";
import type { CreateTaskInput } from "../../src/services/contracts.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { newScene } from "./support/scene.ts";

type Scene = Awaited<ReturnType<typeof newScene>>;

/** Every rule of the validation item: [what is wrong, the call, the field named, the rule in the message]. */
const CREATE_CASES: [string, Partial<CreateTaskInput> & Record<string, unknown>, string, string][] = [
  ["an empty title", { title: "   " }, "title", "title must be 1–200 characters after trimming"],
  ["a 201-character title", { title: "x".repeat(201) }, "title", "title must be 1–200 characters"],
  ["a missing title", { title: undefined }, "title", "title is required"],
  [
    "a 4001-character description",
    { description: "x".repeat(4001) },
    "description",
    "at most 4000 characters",
  ],
  ["11 labels", { labels: "a,b,c,d,e,f,g,h,i,j,k" }, "labels", "labels must have at most 10 labels"],
  [
    "a 33-character label",
    { labels: ["x".repeat(33)] },
    "labels",
    "labels must each be at most 32 characters",
  ],
  ["a due date in the past", { due: "2001-01-01" }, "due", "due must not be in the past"],
  ["an unreadable due date", { due: "next friday" }, "due", "due must be a date like"],
  ["an unreadable estimate", { estimate: "a while" }, "estimate", "estimate must look like 90m, 2h or 1d"],
  [
    "an unknown priority",
    { priority: "urgent" },
    "priority",
    "priority must be one of low, medium, high, critical",
  ],
  [
    "an assignee that is not a snowflake",
    { assigneeId: "@bob" },
    "assigneeId",
    "assignee must be a Discord id",
  ],
  ["a parent number of 0", { parentNumber: 0 }, "parentNumber", "parent must be a task number"],
  [
    "dependencies that are not numbers",
    { dependsOn: "soon" },
    "dependsOn",
    "depends on must be task numbers",
  ],
];

describe.each(DRIVERS)(
  "invalid input is refused with the field named, and nothing is written (%s)",
  (driver) => {
    const h = useHarness(driver);
    let s: Scene;
    beforeAll(async () => {
      s = await newScene(h);
      await h.tasks.create(s.ctx(s.creator), { title: "Existing" });
    });

    async function refusedWithoutWrites(call: () => Promise<unknown>, field: string, message: string) {
      const before = await h.snapshot();
      const error = await call().then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ name: "ValidationError", field });
      expect((error as Error).message).toContain(message);
      expect(await h.snapshot()).toEqual(before);
    }

    it.each(CREATE_CASES)("create with %s", async (_, input, field, message) => {
      await refusedWithoutWrites(
        () => h.tasks.create(s.ctx(s.creator), { title: "Valid", ...input } as CreateTaskInput),
        field,
        message,
      );
    });

    it.each(
      CREATE_CASES.filter(([, , field]) => !["assigneeId", "dependsOn"].includes(field) && field !== "title"),
    )("edit with %s", async (_, input, field, message) => {
      await refusedWithoutWrites(() => h.tasks.edit(s.ctx(s.creator), 1, input), field, message);
    });

    it.each([
      ["an unknown action", { number: 1, action: "explode" }, "action", "action must be one of"],
      ["a task number of -1", { number: -1, action: "claim" }, "number", "number must be a task number"],
      [
        "a 1001-character reason",
        { number: 1, action: "cancel", text: "x".repeat(1001) },
        "text",
        "at most 1000",
      ],
      [
        "an assignee that is not a snowflake",
        { number: 1, action: "assign", assigneeId: "bob" },
        "assigneeId",
        "Discord id",
      ],
      [
        "an assign without anyone to assign",
        { number: 1, action: "assign" },
        "assigneeId",
        "Say who should be assigned",
      ],
      [
        "a version of 0",
        { number: 1, action: "claim", expectedVersion: 0 },
        "expectedVersion",
        "version must be at least 1",
      ],
    ])("transition with %s", async (_, input, field, message) => {
      await refusedWithoutWrites(() => h.tasks.transition(s.ctx(s.creator), input as never), field, message);
    });

    it("refuses empty and over-long comments and progress notes", async () => {
      await refusedWithoutWrites(
        () => h.tasks.comment(s.ctx(s.member), 1, "  "),
        "text",
        "text can't be empty",
      );
      await refusedWithoutWrites(
        () => h.tasks.comment(s.ctx(s.member), 1, "x".repeat(1001)),
        "text",
        "at most 1000",
      );
      await refusedWithoutWrites(
        () => h.tasks.progress(s.ctx(s.member), 1, ""),
        "note",
        "note can't be empty",
      );
    });

    it("refuses a context whose ids are not snowflakes", async () => {
      const bad = { ...s.ctx(s.creator), channelId: "general" };
      await refusedWithoutWrites(
        () => h.tasks.create(bad, { title: "Valid" }),
        "channelId",
        "channel id must be a Discord id",
      );
      const actor = { ...s.creator, userId: "me" };
      await refusedWithoutWrites(
        () => h.tasks.create(s.ctx(actor), { title: "Valid" }),
        "actor.userId",
        "user must be a Discord id",
      );
    });

    it("refuses bad list, search and page requests", async () => {
      await expect(
        h.tasks.list(systemReader(s.guildId), { status: "sleeping" as never }),
      ).rejects.toMatchObject({
        field: "status",
      });
      await expect(h.tasks.list(systemReader(s.guildId), {}, { limit: 500 })).rejects.toMatchObject({
        field: "limit",
        message: "limit must be 1–100",
      });
      await expect(
        h.tasks.list(systemReader(s.guildId), {}, { cursor: "not-a-cursor" }),
      ).rejects.toMatchObject({
        field: "cursor",
      });
      await expect(h.tasks.search(systemReader(s.guildId), "  ")).rejects.toMatchObject({
        field: "query",
        message: "query can't be empty",
      });
      await expect(h.tasks.suggest(systemReader(s.guildId), "x", 26)).rejects.toMatchObject({
        field: "limit",
      });
    });

    it("refuses bad settings and agents", async () => {
      await refusedWithoutWrites(
        () => h.settings.update(s.ctx(s.admin), { queueLimit: 0 }),
        "queueLimit",
        "queue limit must be 1–10000",
      );
      await refusedWithoutWrites(
        () => h.settings.update(s.ctx(s.admin), { maxAttempts: 50 }),
        "maxAttempts",
        "max attempts must be 1–20",
      );
      await refusedWithoutWrites(
        () => h.settings.update(s.ctx(s.admin), { leaseMinutes: -5 }),
        "leaseMinutes",
        "lease minutes",
      );
      await refusedWithoutWrites(
        () => h.agents.add(s.ctx(s.admin), { userId: "robot", labels: "docs" }),
        "userId",
        "user must be a Discord id",
      );
      await refusedWithoutWrites(
        () => h.agents.add(s.ctx(s.admin), { userId: s.member.userId, maxConcurrent: 0 }),
        "maxConcurrent",
        "max concurrent must be 1–100",
      );
    });

    it("refuses non-admins changing settings or agents, writing nothing", async () => {
      const before = await h.snapshot();
      await expect(h.settings.update(s.ctx(s.member), { queueLimit: 5 })).rejects.toMatchObject({
        name: "ForbiddenError",
      });
      await expect(h.agents.add(s.ctx(s.reviewer), { userId: s.member.userId })).rejects.toMatchObject({
        name: "ForbiddenError",
      });
      expect(await h.snapshot()).toEqual(before);
    });
  },
);
