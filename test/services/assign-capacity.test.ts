import { describe, expect, it } from "vitest";
import { systemReader } from "../../src/services/actors.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { newScene, user } from "./support/scene.ts";

/** Assigning to an agent obeys the capacity rule auto-assign picks by (src/domain/agent-capacity.ts). */
describe.each(DRIVERS)("assigning a registered agent (%s)", (driver) => {
  const h = useHarness(driver);

  it("refuses an agent already holding its max-concurrent open or in-progress tasks, with a sentence, changing nothing", async () => {
    const s = await newScene(h);
    const agent = { ...user(), isBot: true };
    await h.agents.add(s.ctx(s.admin), { userId: agent.userId, maxConcurrent: 2 });
    for (const title of ["One", "Two", "Three"]) await h.tasks.create(s.ctx(s.creator), { title });
    const assign = (number: number) =>
      h.tasks.transition(s.ctx(s.creator), { number, action: "assign", assigneeId: agent.userId });
    await assign(1);
    await assign(2);

    const before = await h.snapshot();
    await expect(assign(3)).rejects.toMatchObject({
      name: "AgentFullError",
      code: "agent_full",
      message: `<@${agent.userId}> already has 2 open or in-progress tasks, its limit is 2: finish, release or unassign one of them first, or raise its limit with \`/tasklane agent add max-concurrent:\`. Nothing was changed.`,
    });
    expect(await h.snapshot()).toEqual(before);
    expect((await h.tasks.get(systemReader(s.guildId), 3)).assigneeId).toBeNull();

    // Work handed in no longer counts: the agent has room again.
    await h.tasks.transition(s.ctx(agent, "mention"), { number: 1, action: "start" });
    await h.tasks.transition(s.ctx(agent, "mention"), { number: 1, action: "submit", text: "done" });
    const third = await assign(3);
    expect(third.task.assigneeId).toBe(agent.userId);

    // People are not agents: no cap on assigning them.
    const person = user();
    await h.tasks.create(s.ctx(s.creator), { title: "Four" });
    await h.tasks.create(s.ctx(s.creator), { title: "Five" });
    for (const number of [4, 5])
      await h.tasks.transition(s.ctx(s.creator), { number, action: "assign", assigneeId: person.userId });
  });

  it("two people racing to give an agent its last slot: one assign wins, the other is told it is full", async () => {
    const s = await newScene(h);
    const agent = { ...user(), isBot: true };
    await h.agents.add(s.ctx(s.admin), { userId: agent.userId, maxConcurrent: 1 });
    await h.tasks.create(s.ctx(s.creator), { title: "Left" });
    await h.tasks.create(s.ctx(s.creator), { title: "Right" });
    const results = await Promise.allSettled([
      h.tasks.transition(s.ctx(s.creator), { number: 1, action: "assign", assigneeId: agent.userId }),
      h.tasks.transition(s.ctx(s.reviewer), { number: 2, action: "assign", assigneeId: agent.userId }),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const [refused] = results.filter((result) => result.status === "rejected");
    expect((refused as PromiseRejectedResult).reason).toMatchObject({ name: "AgentFullError" });
    const tasks = await h.tasks.list(systemReader(s.guildId), {});
    expect(tasks.items.filter((task) => task.assigneeId === agent.userId)).toHaveLength(1);
  });
});
