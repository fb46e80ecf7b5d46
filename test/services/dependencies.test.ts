import { describe, expect, it } from "vitest";
import { systemReader } from "../../src/services/actors.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { newScene, snowflake } from "./support/scene.ts";

describe.each(DRIVERS)("dependencies and subtasks (%s)", (driver) => {
  const h = useHarness(driver);

  it("refuses the edge that closes a cycle A→B→C→A, naming the cycle, and writes nothing", async () => {
    const s = await newScene(h);
    for (const title of ["A", "B", "C"]) await h.tasks.create(s.ctx(s.creator), { title });
    await h.tasks.addDependency(s.ctx(s.creator), 1, 2);
    await h.tasks.addDependency(s.ctx(s.creator), 2, 3);
    const before = await h.snapshot();
    await expect(h.tasks.addDependency(s.ctx(s.creator), 3, 1)).rejects.toMatchObject({
      name: "InvalidTransitionError",
      message: "That would close a dependency cycle: #1 → #2 → #3 → #1.",
    });
    await expect(h.tasks.addDependency(s.ctx(s.creator), 2, 2)).rejects.toMatchObject({
      name: "ValidationError",
      field: "onNumber",
    });
    expect(await h.snapshot()).toEqual(before);
  });

  it("blocks a task with open dependencies and reopens it in the same transaction as the last one's completion", async () => {
    const s = await newScene(h, { requireReview: false });
    await h.tasks.create(s.ctx(s.creator), { title: "Schema" });
    await h.tasks.create(s.ctx(s.creator), { title: "API" });
    const ui = await h.tasks.create(s.ctx(s.creator), { title: "UI", dependsOn: "1, 2" });
    expect(ui).toMatchObject({
      status: "blocked",
      dependencies: [
        { number: 1, title: "Schema", status: "open" },
        { number: 2, title: "API", status: "open" },
      ],
    });
    await expect(
      h.tasks.transition(s.ctx(s.creator), { number: 3, action: "unblock" }),
    ).rejects.toMatchObject({
      message: "#3 still waits on #1 (open), #2 (open).",
    });
    const finish = async (number: number) => {
      await h.tasks.transition(s.ctx(s.member), { number, action: "claim" });
      await h.tasks.transition(s.ctx(s.member), { number, action: "start" });
      return h.tasks.transition(s.ctx(s.member), { number, action: "submit" });
    };
    await finish(1);
    expect((await h.tasks.get(systemReader(s.guildId), 3)).status).toBe("blocked");
    const last = await finish(2);
    expect(last.task.status).toBe("done");
    const view = await h.tasks.get(systemReader(s.guildId), 3);
    expect(view.status).toBe("open");
    expect(view.dependencies).toMatchObject([{ status: "done" }, { status: "done" }]);
    const [event] = (await h.tasks.history(systemReader(s.guildId), 3)).items;
    expect(event).toMatchObject({
      kind: "unblocked",
      fromStatus: "blocked",
      toStatus: "open",
      source: "system",
      actorId: s.member.userId,
      details: { dependenciesDone: true, lastDependency: 2 },
    });
  });

  it("blocks an open task when a dependency is added and opens it when the last is removed", async () => {
    const s = await newScene(h);
    await h.tasks.create(s.ctx(s.creator), { title: "First" });
    await h.tasks.create(s.ctx(s.creator), { title: "Second" });
    expect((await h.tasks.addDependency(s.ctx(s.creator), 2, 1)).status).toBe("blocked");
    await expect(h.tasks.addDependency(s.ctx(s.creator), 2, 1)).rejects.toMatchObject({
      message: "#2 already depends on #1.",
    });
    expect((await h.tasks.removeDependency(s.ctx(s.creator), 2, 1)).status).toBe("open");
    await expect(h.tasks.removeDependency(s.ctx(s.creator), 2, 1)).rejects.toMatchObject({
      message: "#2 doesn't depend on #1.",
    });
  });

  it("keeps a parent from being done while subtasks are live, listing them", async () => {
    const s = await newScene(h);
    await h.tasks.create(s.ctx(s.creator), { title: "Launch" });
    await h.tasks.create(s.ctx(s.creator), { title: "Write copy", parentNumber: 1 });
    await h.tasks.create(s.ctx(s.creator), { title: "Ship build", parentNumber: 1 });
    const parent = await h.tasks.get(systemReader(s.guildId), 1);
    expect(parent.subtasks).toEqual([
      { number: 2, title: "Write copy", status: "open", channelId: s.channelId },
      { number: 3, title: "Ship build", status: "open", channelId: s.channelId },
    ]);
    expect((await h.tasks.get(systemReader(s.guildId), 2)).parent).toEqual({
      number: 1,
      title: "Launch",
      status: "open",
      channelId: s.channelId,
    });

    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "claim" });
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "start" });
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "submit" });
    await h.tasks.transition(s.ctx(s.member), { number: 3, action: "claim" });
    await h.tasks.transition(s.ctx(s.member), { number: 3, action: "start" });
    const before = await h.snapshot();
    await expect(
      h.tasks.transition(s.ctx(s.reviewer), { number: 1, action: "approve" }),
    ).rejects.toMatchObject({
      name: "InvalidTransitionError",
      message:
        "#1 can't be done while its subtasks are live: #2 (open), #3 (in progress). Finish or cancel them first.",
    });
    expect(await h.snapshot()).toEqual(before);

    await h.tasks.transition(s.ctx(s.creator), { number: 2, action: "cancel" });
    await h.tasks.transition(s.ctx(s.creator), { number: 3, action: "cancel" });
    expect((await h.tasks.transition(s.ctx(s.reviewer), { number: 1, action: "approve" })).task.status).toBe(
      "done",
    );
    await expect(h.tasks.transition(s.ctx(s.creator), { number: 2, action: "reopen" })).rejects.toMatchObject(
      {
        message: "#2 is a subtask of #1, which is done; reopen #1 first.",
      },
    );
    await expect(h.tasks.create(s.ctx(s.creator), { title: "Late", parentNumber: 1 })).rejects.toMatchObject({
      message: "#1 is done; reopen it before adding subtasks.",
    });
  });

  it("refuses a dependency on another guild's task: numbers resolve in the acting guild only", async () => {
    const s = await newScene(h);
    const elsewhere = { ...s, guildId: snowflake(), channelId: snowflake() };
    const foreignCtx = {
      guildId: elsewhere.guildId,
      channelId: elsewhere.channelId,
      actor: s.creator,
      source: "slash" as const,
    };
    for (let i = 0; i < 5; i += 1) await h.tasks.create(foreignCtx, { title: `Foreign ${i + 1}` });
    await h.tasks.create(s.ctx(s.creator), { title: "Local" });
    const before = await h.snapshot();
    await expect(h.tasks.addDependency(s.ctx(s.creator), 1, 5)).rejects.toMatchObject({
      name: "NotFoundError",
      message: "There is no task #5 in this server.",
    });
    await expect(
      h.tasks.create(s.ctx(s.creator), { title: "Needs #5", dependsOn: [5] }),
    ).rejects.toMatchObject({
      name: "NotFoundError",
      message: "There is no task #5 in this server.",
    });
    await expect(
      h.tasks.create(s.ctx(s.creator), { title: "Child of #4", parentNumber: 4 }),
    ).rejects.toMatchObject({
      name: "NotFoundError",
    });
    expect(await h.snapshot()).toEqual(before);
    expect((await h.tasks.get(systemReader(elsewhere.guildId), 5)).dependencies).toEqual([]);
  });

  it("refuses a parent that is the task's own subtask", async () => {
    const s = await newScene(h);
    await h.tasks.create(s.ctx(s.creator), { title: "Top" });
    await h.tasks.create(s.ctx(s.creator), { title: "Middle", parentNumber: 1 });
    await expect(h.tasks.edit(s.ctx(s.creator), 1, { parentNumber: 2 })).rejects.toMatchObject({
      message: "#2 is a subtask of #1; it can't also be its parent.",
    });
  });
});
