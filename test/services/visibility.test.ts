import { describe, expect, it } from "vitest";
import { systemReader } from "../../src/services/actors.ts";
import type { ActionContext, Actor } from "../../src/services/contracts.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { memberIn, newScene, snowflake, user } from "./support/scene.ts";

const NO_SUCH = (n: number) => ({ name: "NotFoundError", message: `There is no task #${n} in this server.` });

describe.each(DRIVERS)("a task in a channel you cannot view does not exist for you (%s)", (driver) => {
  const h = useHarness(driver);

  /** #general (everyone) holds #1 and #3; #leads (private) holds #2 "Salary bands", a subtask of #1, on which #3 depends. */
  async function privateScene() {
    const s = await newScene(h);
    const general = s.channelId;
    const leads = snowflake();
    const lead = memberIn({ [general]: "send", [leads]: "send" });
    const outsider = memberIn({ [general]: "send" });
    const reader = memberIn({ [general]: "send", [leads]: "view" });
    const at = (
      actor: Actor,
      channelId = general,
      source: ActionContext["source"] = "slash",
    ): ActionContext => ({
      guildId: s.guildId,
      channelId,
      actor,
      source,
    });
    await h.tasks.create(at(lead), { title: "Plan the reorg", labels: "people" });
    await h.tasks.create(at(lead, leads), {
      title: "Salary bands",
      description: "secret numbers",
      labels: "people",
      parentNumber: 1,
      assigneeId: lead.userId,
    });
    await h.tasks.create(at(lead), { title: "Announce the reorg", dependsOn: [2] });
    return { s, general, leads, lead, outsider, reader, at };
  }

  it("view, history and reviews answer like an unknown number; the lead still sees it", async () => {
    const { lead, outsider, at } = await privateScene();
    await expect(h.tasks.get(at(outsider), 2)).rejects.toMatchObject(NO_SUCH(2));
    await expect(h.tasks.history(at(outsider), 2)).rejects.toMatchObject(NO_SUCH(2));
    await expect(h.tasks.reviews(at(outsider), 2)).rejects.toMatchObject(NO_SUCH(2));
    await expect(h.tasks.get(at(outsider), 99)).rejects.toMatchObject(NO_SUCH(99));
    expect(await h.tasks.get(at(lead), 2)).toMatchObject({ title: "Salary bands" });
  });

  it("every write is refused the same way and changes nothing", async () => {
    const { outsider, at } = await privateScene();
    const before = await h.snapshot();
    const ctx = at(outsider);
    const attempts: (() => Promise<unknown>)[] = [
      () => h.tasks.transition(ctx, { number: 2, action: "claim" }),
      () => h.tasks.transition(ctx, { number: 2, action: "start" }),
      () => h.tasks.transition(ctx, { number: 2, action: "block", text: "why" }),
      () => h.tasks.transition(ctx, { number: 2, action: "cancel" }),
      () => h.tasks.transition(ctx, { number: 2, action: "claim", expectedVersion: 99 }),
      // A button naming some other task's id: still no such task, not "that button names another".
      () =>
        h.tasks.transition(ctx, { number: 2, taskId: 2_147_483_000, action: "claim", expectedVersion: 1 }),
      () => h.tasks.checkTransition(ctx, { number: 2, action: "request_rework" }),
      () => h.tasks.checkTransition(ctx, { number: 2, taskId: 2_147_483_000, action: "claim" }),
      () => h.tasks.edit(ctx, 2, { title: "Mine now" }),
      () => h.tasks.edit(ctx, 2, { title: "Mine now" }, 99),
      () => h.tasks.comment(ctx, 2, "peek"),
      () => h.tasks.progress(ctx, 2, "peek"),
      () => h.tasks.addDependency(ctx, 2, 1),
      () => h.tasks.removeDependency(ctx, 3, 2),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject(NO_SUCH(2));
    expect(await h.snapshot()).toEqual(before);
  });

  it("a card button's task id must be the #number's: the other task's id is refused and changes nothing", async () => {
    const { lead, at } = await privateScene();
    const [first, second] = [await h.tasks.get(at(lead), 1), await h.tasks.get(at(lead), 2)];
    const before = await h.snapshot();
    const refused = {
      name: "ForbiddenError",
      message: "That button does not name a task of this server; nothing was changed.",
    };
    const named = { number: 2, taskId: first.id, action: "start" as const };
    await expect(h.tasks.checkTransition(at(lead, undefined, "button"), named)).rejects.toMatchObject(
      refused,
    );
    await expect(
      h.tasks.transition(at(lead, undefined, "button"), { ...named, expectedVersion: second.version }),
    ).rejects.toMatchObject(refused);
    expect(await h.snapshot()).toEqual(before);
    const started = await h.tasks.transition(at(lead, undefined, "button"), {
      ...named,
      taskId: second.id,
      expectedVersion: second.version,
    });
    expect(started.task).toMatchObject({ number: 2, status: "in_progress" });
  });

  it("referencing a private task as parent or dependency is refused like an unknown one", async () => {
    const { outsider, at } = await privateScene();
    const before = await h.snapshot();
    await expect(h.tasks.create(at(outsider), { title: "Sub", parentNumber: 2 })).rejects.toMatchObject(
      NO_SUCH(2),
    );
    await expect(h.tasks.create(at(outsider), { title: "Waits", dependsOn: [2] })).rejects.toMatchObject(
      NO_SUCH(2),
    );
    await expect(h.tasks.addDependency(at(outsider), 1, 2)).rejects.toMatchObject(NO_SUCH(2));
    await expect(h.tasks.edit(at(outsider), 3, { parentNumber: 2 })).rejects.toMatchObject(NO_SUCH(2));
    expect(await h.snapshot()).toEqual(before);
  });

  it("View without Send Messages reads but does not write, nor reference", async () => {
    const { reader, at } = await privateScene();
    expect(await h.tasks.get(at(reader), 2)).toMatchObject({ title: "Salary bands" });
    const before = await h.snapshot();
    await expect(h.tasks.comment(at(reader), 2, "hi")).rejects.toMatchObject({
      name: "ForbiddenError",
      message: expect.stringMatching(/can't send messages/),
    });
    await expect(h.tasks.create(at(reader), { title: "Waits", dependsOn: [2] })).rejects.toMatchObject({
      name: "ForbiddenError",
    });
    expect(await h.snapshot()).toEqual(before);
  });

  it("lists, search, autocomplete, mine and stats leave it out; the lead's include it", async () => {
    const { general, lead, outsider, at } = await privateScene();
    const numbers = (page: { items: { number: number }[] }) => page.items.map((item) => item.number);
    expect(numbers(await h.tasks.list(at(outsider), { status: "all" }))).toEqual([3, 1]);
    expect((await h.tasks.list(at(outsider), { status: "all" })).total).toBe(2);
    expect(numbers(await h.tasks.list(at(lead), { status: "all" }))).toEqual([3, 2, 1]);
    expect(numbers(await h.tasks.list(at(outsider), { assigneeId: lead.userId }))).toEqual([]);
    expect(numbers(await h.tasks.list(at(lead), { assigneeId: lead.userId }))).toEqual([2]);

    expect(numbers(await h.tasks.search(at(outsider), "salary"))).toEqual([]);
    expect((await h.tasks.search(at(outsider), "salary")).total).toBe(0);
    expect(numbers(await h.tasks.search(at(lead), "salary"))).toEqual([2]);

    expect((await h.tasks.suggest(at(outsider), "2")).map((ref) => ref.number)).toEqual([]);
    expect((await h.tasks.suggest(at(outsider), "salary")).map((ref) => ref.number)).toEqual([]);
    expect((await h.tasks.suggest(at(lead), "salary")).map((ref) => ref.number)).toEqual([2]);

    const outsiderStats = await h.tasks.stats(at(outsider));
    expect(outsiderStats.byStatus.open).toBe(1);
    expect(outsiderStats.byStatus.blocked).toBe(1);
    expect(outsiderStats.assignees).toEqual([]);
    expect(JSON.stringify(outsiderStats)).not.toContain("Salary");
    expect((await h.tasks.stats(at(lead))).assignees.map((a) => a.userId)).toEqual([lead.userId]);
    expect((await h.tasks.stats(at(outsider), general)).byStatus.open).toBe(1);
  });

  it("a visible card's references to it keep only the number", async () => {
    const { lead, outsider, at } = await privateScene();
    const parent = await h.tasks.get(at(outsider), 1);
    expect(parent.subtasks).toEqual([{ number: 2, hidden: true }]);
    const waiting = await h.tasks.get(at(outsider), 3);
    expect(waiting.dependencies).toEqual([{ number: 2, hidden: true }]);
    expect(JSON.stringify([parent, waiting])).not.toContain("Salary");
    expect((await h.tasks.get(at(lead), 3)).dependencies).toMatchObject([
      { number: 2, title: "Salary bands" },
    ]);
    const listed = await h.tasks.list(at(outsider), { status: "all" });
    expect(JSON.stringify(listed)).not.toContain("Salary");
  });

  it("a refusal names a private subtask by number only, without its status", async () => {
    const { s, general, outsider, at } = await privateScene();
    const reviewer = memberIn({ [general]: "send" }, { roleIds: [s.reviewerRoleId] });
    await h.tasks.transition(at(outsider), { number: 1, action: "claim" });
    await h.tasks.transition(at(outsider), { number: 1, action: "start" });
    await h.tasks.transition(at(outsider), { number: 1, action: "submit" });
    await expect(h.tasks.transition(at(reviewer), { number: 1, action: "approve" })).rejects.toMatchObject({
      message: "#1 can't be done while its subtasks are live: #2 (private). Finish or cancel them first.",
    });
  });

  it("a mention answers only about tasks of the message's channel, or the author's own", async () => {
    const { general, leads, lead, at } = await privateScene();
    // The lead can view #leads, but an answer in #general would show #2 to everyone there.
    const otherLead = memberIn({ [general]: "send", [leads]: "send" });
    await expect(h.tasks.get(at(otherLead, general, "mention"), 2)).rejects.toMatchObject(NO_SUCH(2));
    expect(await h.tasks.get(at(otherLead, leads, "mention"), 2)).toMatchObject({ number: 2 });
    // #2 is assigned to the lead: they may ask about their own work from anywhere they can see it.
    expect(await h.tasks.get(at(lead, general, "mention"), 2)).toMatchObject({ number: 2 });
    const fromGeneral = await h.tasks.get(at(otherLead, general, "mention"), 1);
    expect(fromGeneral.subtasks).toEqual([{ number: 2, hidden: true }]);
  });

  it("the queue of a channel you cannot view is refused; Tasklane's own reader sees everything", async () => {
    const { s, leads, outsider, at } = await privateScene();
    await expect(h.tasks.queue(at(outsider), leads)).rejects.toMatchObject({ name: "ForbiddenError" });
    expect((await h.tasks.list(systemReader(s.guildId), { status: "all" })).total).toBe(3);
  });

  it("channel settings need Manage Channels in that channel; agents need Manage Server", async () => {
    const s = await newScene(h);
    const elsewhere = snowflake();
    const managerElsewhere = memberIn({ [s.channelId]: "send", [elsewhere]: "manage" });
    const here = (actor: Actor): ActionContext => ({
      guildId: s.guildId,
      channelId: s.channelId,
      actor,
      source: "slash",
    });
    const before = await h.snapshot();
    await expect(h.settings.update(here(managerElsewhere), { queueLimit: 1 })).rejects.toMatchObject({
      name: "ForbiddenError",
    });
    await expect(h.settings.show(here(managerElsewhere))).rejects.toMatchObject({ name: "ForbiddenError" });
    const channelManager = memberIn({ [s.channelId]: "manage" });
    await expect(h.agents.add(here(channelManager), { userId: snowflake() })).rejects.toMatchObject({
      name: "ForbiddenError",
    });
    await expect(h.agents.list(here(channelManager))).rejects.toMatchObject({ name: "ForbiddenError" });
    expect(await h.snapshot()).toEqual(before);
    expect(await h.settings.update(here(channelManager), { queueLimit: 4 })).toMatchObject({ queueLimit: 4 });
    const serverManager = memberIn({ [s.channelId]: "send" }, { permissions: ["manage_guild"] });
    await h.agents.add(here(serverManager), { userId: snowflake() });
    expect(await h.agents.list(here(serverManager))).toHaveLength(1);
    expect(await h.agents.list(here(user(["administrator"])))).toHaveLength(1);
  });
});
