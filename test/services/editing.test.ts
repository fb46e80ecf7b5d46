import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { actorEverywhere, systemReader } from "../../src/services/actors.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { newScene, user } from "./support/scene.ts";

describe.each(DRIVERS)("editing, assigning, blocking (%s)", (driver) => {
  const h = useHarness(driver);

  const assignments = (taskId: number) =>
    h.rows<{ payload: Record<string, unknown> }>(
      sql`SELECT payload FROM outbox WHERE task_id = ${taskId} AND kind = 'assignment' ORDER BY id`,
    );

  it("edits fields, records what changed, and writes nothing for an edit that changes nothing", async () => {
    const s = await newScene(h);
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Draft", labels: "docs" });
    const edited = await h.tasks.edit(
      s.ctx(s.creator),
      1,
      { title: "Final", priority: "critical", labels: "docs, api", estimate: "90m", due: "2d" },
      task.version,
    );
    expect(edited).toMatchObject({
      title: "Final",
      priority: "critical",
      labels: ["docs", "api"],
      estimateMinutes: 90,
      version: 2,
    });
    const [event] = (await h.tasks.history(systemReader(s.guildId), 1)).items;
    expect(event).toMatchObject({
      kind: "edited",
      actorId: s.creator.userId,
      details: {
        changes: {
          title: { from: "Draft", to: "Final" },
          priority: { from: "medium", to: "critical" },
          labels: { from: ["docs"], to: ["docs", "api"] },
          estimate: { from: null, to: 90 },
          due: { from: null, to: edited.dueAt },
        },
      },
    });
    const before = await h.snapshot();
    expect((await h.tasks.edit(s.ctx(s.creator), 1, { title: " Final " })).version).toBe(2);
    expect(await h.snapshot()).toEqual(before);
    await expect(h.tasks.edit(s.ctx(s.creator), 1, { title: "Stale" }, 1)).rejects.toMatchObject({
      name: "ConflictError",
      message: `#1 changed since you saw it: it was edited by <@${s.creator.userId}>.`,
    });
    await expect(h.tasks.edit(s.ctx(s.member), 1, { title: "Not mine" })).rejects.toMatchObject({
      name: "ForbiddenError",
      message: "#1 is open; only the creator or a reviewer can edit it.",
    });
  });

  it("search and autocomplete find an edited task by its new words only, and a claimed one as before", async () => {
    const s = await newScene(h, { requireReview: false });
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Draft changelog", labels: "docs" });
    const found = async (words: string) =>
      (await h.tasks.search(systemReader(s.guildId), words)).items.map((item) => item.number);
    const suggested = async (words: string) =>
      (await h.tasks.suggest(systemReader(s.guildId), words)).map((item) => item.number);
    await h.tasks.edit(
      s.ctx(s.creator),
      1,
      { title: "Release notes", description: "For the beta" },
      task.version,
    );
    expect(await found("changelog")).toEqual([]);
    expect(await suggested("changel")).toEqual([]);
    expect(await found("release beta")).toEqual([1]);
    expect(await suggested("relea")).toEqual([1]);
    await h.tasks.edit(s.ctx(s.creator), 1, { labels: "api" });
    expect(await found("docs")).toEqual([]);
    expect(await found("api")).toEqual([1]);
    await h.tasks.transition(s.ctx(s.creator), { number: 1, action: "claim" });
    await h.tasks.transition(s.ctx(s.creator), { number: 1, action: "start" });
    expect(await found("release")).toEqual([1]);
    expect((await h.tasks.search(systemReader(s.guildId), "release")).items[0]?.status).toBe("in_progress");
  });

  it("notifies a new assignee someone else chose, but not one who took the task themselves", async () => {
    const s = await newScene(h);
    const bot = user();
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Delegated" });
    await h.tasks.transition(s.ctx(s.creator), { number: 1, action: "assign", assigneeId: bot.userId });
    expect(await assignments(task.id)).toEqual([
      { payload: { taskId: task.id, assigneeId: bot.userId, attempt: 1 } },
    ]);
    await h.tasks.transition(s.ctx(s.creator), { number: 1, action: "unassign" });
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "assign", assigneeId: s.member.userId });
    expect(await assignments(task.id)).toHaveLength(1);
    await expect(
      h.tasks.transition(s.ctx(s.member), { number: 1, action: "assign", assigneeId: bot.userId }),
    ).rejects.toMatchObject({
      name: "ForbiddenError",
      message: "#1 is open; only the creator or a reviewer can assign it.",
    });
  });

  it("keeps a task blocked by hand blocked when its dependencies finish, until someone unblocks it", async () => {
    const s = await newScene(h, { requireReview: false });
    await h.tasks.create(s.ctx(s.creator), { title: "Dependency" });
    await h.tasks.create(s.ctx(s.creator), { title: "Waiting" });
    await h.tasks.transition(s.ctx(s.creator), { number: 2, action: "block", text: "waiting for legal" });
    await h.tasks.addDependency(s.ctx(s.creator), 2, 1);
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "claim" });
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "start" });
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "submit" });
    expect((await h.tasks.get(systemReader(s.guildId), 2)).status).toBe("blocked");
    const unblocked = await h.tasks.transition(s.ctx(s.creator), {
      number: 2,
      action: "unblock",
      text: "legal said yes",
    });
    expect(unblocked.task.status).toBe("open");
  });

  it("lets Tasklane itself fail an expired lease, but not approve", async () => {
    const s = await newScene(h);
    const bot = user();
    await h.agents.add(s.ctx(s.admin), { userId: bot.userId });
    await h.tasks.create(s.ctx(s.creator), { title: "Leased", assigneeId: bot.userId });
    const started = await h.tasks.transition(s.ctx(bot, "mention"), { number: 1, action: "start" });
    const system = actorEverywhere({ userId: user().userId });
    const failed = await h.tasks.transition(s.ctx(system, "system"), {
      number: 1,
      action: "fail",
      text: "lease expired",
      expectedVersion: started.task.version,
    });
    expect(failed.task).toMatchObject({ status: "open", attempts: 1, assigneeId: bot.userId });
    await expect(h.tasks.progress(s.ctx(s.member), 1, "not mine")).rejects.toMatchObject({
      name: "InvalidTransitionError",
    });
  });

  it("answers an unknown number with the number named", async () => {
    const s = await newScene(h);
    await expect(h.tasks.get(systemReader(s.guildId), 404)).rejects.toMatchObject({
      name: "NotFoundError",
      message: "There is no task #404 in this server.",
    });
    await expect(h.tasks.transition(s.ctx(s.member), { number: 404, action: "claim" })).rejects.toMatchObject(
      {
        name: "NotFoundError",
      },
    );
  });
});
