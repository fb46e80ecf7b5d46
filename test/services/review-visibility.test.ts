import { describe, expect, it } from "vitest";
import type { ActionContext, Actor } from "../../src/services/contracts.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { memberIn, newScene, snowflake } from "./support/scene.ts";

const NO_SUCH = (n: number) => ({ name: "NotFoundError", message: `There is no task #${n} in this server.` });

describe.each(DRIVERS)("the review loop's reads follow the task's channel (%s)", (driver) => {
  const h = useHarness(driver);

  /**
   * #general holds #1 "Write the memo"; #leads (private, same reviewer role) holds #2 "Salary bands",
   * submitted for review by the lead, and #3 "Announce the bands", which waits on #1.
   */
  async function reviewScene() {
    const s = await newScene(h);
    const general = s.channelId;
    const leads = snowflake();
    await h.settings.update(s.ctx(s.admin, "slash", leads), { reviewerRoleId: s.reviewerRoleId });
    const lead = memberIn({ [general]: "send", [leads]: "send" });
    const outsider = memberIn({ [general]: "send" });
    const reviewerInside = memberIn({ [general]: "send", [leads]: "send" }, { roleIds: [s.reviewerRoleId] });
    const reviewerOutside = memberIn({ [general]: "send" }, { roleIds: [s.reviewerRoleId] });
    const at = (actor: Actor, channelId = general): ActionContext => ({
      guildId: s.guildId,
      channelId,
      actor,
      source: "slash",
    });
    await h.tasks.create(at(lead), { title: "Write the memo" });
    await h.tasks.create(at(lead, leads), { title: "Salary bands", assigneeId: lead.userId });
    await h.tasks.create(at(lead, leads), { title: "Announce the bands", dependsOn: [1] });
    await h.tasks.transition(at(lead, leads), { number: 2, action: "start" });
    await h.tasks.transition(at(lead, leads), { number: 2, action: "submit", text: "bands attached" });
    return { lead, outsider, reviewerInside, reviewerOutside, at, leads };
  }

  it("attempts of a private task answer like an unknown number; the lead reads them", async () => {
    const { lead, outsider, at, leads } = await reviewScene();
    await expect(h.tasks.attempts(at(outsider), 2)).rejects.toMatchObject(NO_SUCH(2));
    await expect(h.tasks.attempts(at(outsider), 99)).rejects.toMatchObject(NO_SUCH(99));
    expect(await h.tasks.attempts(at(lead, leads), 2)).toMatchObject([
      { attempt: 1, outcome: "submitted", summary: "bands attached" },
    ]);
  });

  it("/tasks reviews leaves out tasks in channels the reviewer cannot view", async () => {
    const { reviewerInside, reviewerOutside, at } = await reviewScene();
    expect((await h.tasks.reviewQueue(at(reviewerOutside))).map((item) => item.task.number)).toEqual([]);
    const inside = await h.tasks.reviewQueue(at(reviewerInside));
    expect(inside.map((item) => item.task.number)).toEqual([2]);
    expect(inside[0]!.task.title).toBe("Salary bands");
  });

  it("what a visible task blocks keeps only the number of a private dependent", async () => {
    const { lead, outsider, at } = await reviewScene();
    const seenOutside = await h.tasks.get(at(outsider), 1);
    expect(seenOutside.blocks).toEqual([{ number: 3, hidden: true }]);
    expect(JSON.stringify(seenOutside)).not.toContain("Announce");
    expect((await h.tasks.get(at(lead), 1)).blocks).toMatchObject([
      { number: 3, title: "Announce the bands" },
    ]);
  });

  it("pausing an agent needs Manage Server, like the rest of the registry", async () => {
    const s = await newScene(h);
    const agentId = snowflake();
    const here = (actor: Actor): ActionContext => ({
      guildId: s.guildId,
      channelId: s.channelId,
      actor,
      source: "slash",
    });
    const serverManager = memberIn({ [s.channelId]: "send" }, { permissions: ["manage_guild"] });
    await h.agents.add(here(serverManager), { userId: agentId });
    const channelManager = memberIn({ [s.channelId]: "manage" });
    const before = await h.snapshot();
    await expect(h.agents.setPaused(here(channelManager), agentId, true)).rejects.toMatchObject({
      name: "ForbiddenError",
    });
    expect(await h.snapshot()).toEqual(before);
    expect(await h.agents.setPaused(here(serverManager), agentId, true)).toMatchObject({ paused: true });
    expect(await h.agents.setPaused(here(serverManager), agentId, false)).toMatchObject({ paused: false });
  });
});
