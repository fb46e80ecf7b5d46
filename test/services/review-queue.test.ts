import { describe, expect, it } from "vitest";
import type { ActionContext, Actor } from "../../src/services/contracts.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { memberIn, newScene, snowflake } from "./support/scene.ts";

describe.each(DRIVERS)("/tasks reviews lists what the actor may decide (%s)", (driver) => {
  const h = useHarness(driver);

  /**
   * #general (reviewer role R) and #ops (no reviewer role; its own "Ops" role set later) each hold
   * submitted tasks; #general's oldest submission is the worker's own, "Mine", the others are another member's.
   */
  async function scene() {
    const s = await newScene(h);
    const general = s.channelId;
    const ops = snowflake();
    const opsRole = snowflake();
    const worker = memberIn({ [general]: "send", [ops]: "send" }, { roleIds: [s.reviewerRoleId] });
    const other = memberIn({ [general]: "send", [ops]: "send" });
    const at = (actor: Actor, channelId = general): ActionContext => ({
      guildId: s.guildId,
      channelId,
      actor,
      source: "slash",
    });
    const submit = async (channelId: string, title: string, by: Actor) => {
      const task = await h.tasks.create(at(by, channelId), { title, assigneeId: by.userId });
      await h.tasks.transition(at(by, channelId), { number: task.number, action: "start" });
      await h.tasks.transition(at(by, channelId), {
        number: task.number,
        action: "submit",
        text: "done",
      });
      return task.number;
    };
    const mine = await submit(general, "Mine", worker);
    const first = await submit(ops, "Ops first", other);
    const second = await submit(general, "General second", other);
    return { s, general, ops, opsRole, worker, at, mine, first, second };
  }

  const numbers = async (ctx: ActionContext) =>
    (await h.tasks.reviewQueue(ctx)).map((item) => item.task.number);

  it("by the channel's reviewer role, by Manage Channels there, oldest first; never one's own work; nothing for a member who reviews nowhere", async () => {
    const { s, general, ops, opsRole, worker, at, mine, first, second } = await scene();
    const roleReviewer = memberIn({ [general]: "send", [ops]: "send" }, { roleIds: [s.reviewerRoleId] });
    const opsManager = memberIn({ [general]: "send", [ops]: "manage" });
    const member = memberIn({ [general]: "send", [ops]: "send" });
    const viewerOnly = memberIn({ [general]: "view", [ops]: "view" }, { roleIds: [s.reviewerRoleId] });

    expect(await numbers(at(roleReviewer))).toEqual([mine, second]);
    expect(await numbers(at(opsManager))).toEqual([first]);
    expect(await numbers(at(worker))).toEqual([second]);
    expect(await numbers(at(member))).toEqual([]);
    expect(await numbers(at(viewerOnly))).toEqual([]);

    // A reviewer role given to #ops later counts at once for its holders.
    const opsReviewer = memberIn({ [general]: "send", [ops]: "send" }, { roleIds: [opsRole] });
    expect(await numbers(at(opsReviewer))).toEqual([]);
    await h.settings.update(at(s.admin, ops), { reviewerRoleId: opsRole });
    expect(await numbers(at(opsReviewer))).toEqual([first]);
  });

  it("a server manager reviews everywhere it may send", async () => {
    const { general, ops, at, mine, first, second } = await scene();
    const manager = memberIn({ [general]: "send", [ops]: "view" }, { permissions: ["manage_guild"] });
    expect(await numbers(at(manager))).toEqual([mine, second]);
    const everywhere = memberIn({ [general]: "send", [ops]: "send" }, { permissions: ["manage_guild"] });
    expect(await numbers(at(everywhere))).toEqual([mine, first, second]);
  });
});
