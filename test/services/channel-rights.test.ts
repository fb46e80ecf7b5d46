import { describe, expect, it } from "vitest";
import { systemReader } from "../../src/services/actors.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { memberIn, newScene, snowflake, user } from "./support/scene.ts";

describe.each(DRIVERS)("rights are those of the task's channel (%s)", (driver) => {
  const h = useHarness(driver);

  it("Manage Channels in another channel does not make a reviewer here; in the task's channel it does", async () => {
    const s = await newScene(h);
    const otherChannel = snowflake();
    const managerElsewhere = memberIn({ [s.channelId]: "send", [otherChannel]: "manage" });
    const manager = memberIn({ [s.channelId]: "manage" });
    await h.tasks.create(s.ctx(s.creator), { title: "Ship the release", assigneeId: s.member.userId });
    for (const action of ["start", "submit"] as const) {
      await h.tasks.transition(s.ctx(s.member), { number: 1, action });
    }

    await expect(
      h.tasks.transition(s.ctx(managerElsewhere, "slash", otherChannel), { number: 1, action: "approve" }),
    ).rejects.toMatchObject({ name: "ForbiddenError", message: expect.stringMatching(/reviewer/) });
    expect(await h.tasks.get(systemReader(s.guildId), 1)).toMatchObject({ status: "in_review", version: 3 });

    const approved = await h.tasks.transition(s.ctx(manager), { number: 1, action: "approve" });
    expect(approved.task.status).toBe("done");
  });

  it("server-wide rights (Manage Server) and the reviewer role hold from any channel", async () => {
    const s = await newScene(h);
    const otherChannel = snowflake();
    await h.tasks.create(s.ctx(s.creator), { title: "Close the sprint", assigneeId: s.member.userId });
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "start" });
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "submit" });
    const rework = await h.tasks.transition(s.ctx(s.reviewer, "slash", otherChannel), {
      number: 1,
      action: "request_rework",
      text: "Add the changelog",
    });
    expect(rework.task.status).toBe("in_progress");
    const cancelled = await h.tasks.transition(s.ctx(user(["manage_guild"]), "slash", otherChannel), {
      number: 1,
      action: "cancel",
      text: "Out of scope",
    });
    expect(cancelled.task.status).toBe("cancelled");
  });
});
