import { beforeAll, describe, expect, it } from "vitest";
import { systemReader } from "../../src/services/actors.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { newScene, snowflake, user } from "./support/scene.ts";

type Scene = Awaited<ReturnType<typeof newScene>>;

describe.each(DRIVERS)("reading tasks: list, search, history, queue, suggest, stats (%s)", (driver) => {
  const h = useHarness(driver);
  let s: Scene;
  const otherChannel = snowflake();
  beforeAll(async () => {
    s = await newScene(h, { requireReview: false, queueLimit: 50 });
    const titles = [
      ["Fix login redirect", "high", "bug,auth"],
      ["Write onboarding docs", "low", "docs"],
      ["Login page styling", "medium", "ui"],
      ["Rotate API keys", "critical", "security,auth"],
      ["Document the login flow", "medium", "docs,auth"],
    ] as const;
    for (const [title, priority, labels] of titles)
      await h.tasks.create(s.ctx(s.creator), { title, priority, labels });
    for (let i = 6; i <= 12; i += 1)
      await h.tasks.create(s.ctx(s.creator, "slash", otherChannel), { title: `Chore ${i}` });
  });

  it("lists newest first with filters, totals and cursors both ways", async () => {
    const first = await h.tasks.list(systemReader(s.guildId), { status: "all" }, { limit: 5 });
    expect(first.items.map((task) => task.number)).toEqual([12, 11, 10, 9, 8]);
    expect(first).toMatchObject({ total: 12, prevCursor: null });
    const second = await h.tasks.list(
      systemReader(s.guildId),
      { status: "all" },
      { limit: 5, cursor: first.nextCursor },
    );
    expect(second.items.map((task) => task.number)).toEqual([7, 6, 5, 4, 3]);
    const third = await h.tasks.list(
      systemReader(s.guildId),
      { status: "all" },
      { limit: 5, cursor: second.nextCursor },
    );
    expect(third.items.map((task) => task.number)).toEqual([2, 1]);
    expect(third.nextCursor).toBeNull();
    const back = await h.tasks.list(
      systemReader(s.guildId),
      { status: "all" },
      { limit: 5, cursor: third.prevCursor },
    );
    expect(back.items.map((task) => task.number)).toEqual([7, 6, 5, 4, 3]);
    const backAgain = await h.tasks.list(
      systemReader(s.guildId),
      { status: "all" },
      { limit: 5, cursor: back.prevCursor },
    );
    expect(backAgain.items.map((task) => task.number)).toEqual([12, 11, 10, 9, 8]);
    expect(backAgain.prevCursor).toBeNull();

    const auth = await h.tasks.list(systemReader(s.guildId), { label: "AUTH", channelId: s.channelId });
    expect(auth.items.map((task) => task.number)).toEqual([5, 4, 1]);
    expect(auth.total).toBe(3);
    expect(
      (await h.tasks.list(systemReader(s.guildId), { priority: "critical" })).items.map(
        (task) => task.number,
      ),
    ).toEqual([4]);
    expect((await h.tasks.list(systemReader(s.guildId), { channelId: otherChannel })).total).toBe(7);
  });

  it("filters by assignee and status", async () => {
    const worker = user();
    await h.tasks.transition(s.ctx(worker), { number: 2, action: "claim" });
    await h.tasks.transition(s.ctx(worker), { number: 2, action: "start" });
    const mine = await h.tasks.list(systemReader(s.guildId), { assigneeId: worker.userId });
    expect(mine.items.map((task) => [task.number, task.status])).toEqual([[2, "in_progress"]]);
    expect((await h.tasks.list(systemReader(s.guildId), { status: "in_progress" })).total).toBe(1);
  });

  it("searches title, description and labels, best match first", async () => {
    const result = await h.tasks.search(systemReader(s.guildId), "login");
    expect(result.items.map((task) => task.number).sort()).toEqual([1, 3, 5]);
    expect(result.total).toBe(3);
    expect(
      (await h.tasks.search(systemReader(s.guildId), "security")).items.map((task) => task.number),
    ).toEqual([4]);
    expect(
      (await h.tasks.search(systemReader(s.guildId), "docs")).items.map((task) => task.number).sort(),
    ).toEqual([2, 5]);
    expect(
      (await h.tasks.search(systemReader(s.guildId), "documenting")).items.map((task) => task.number),
    ).toEqual([5]);
    expect(
      (await h.tasks.search(systemReader(s.guildId), "login -docs")).items.every((task) => task.number !== 5),
    ).toBe(true);
    const paged = await h.tasks.search(systemReader(s.guildId), "login", { limit: 2 });
    const rest = await h.tasks.search(systemReader(s.guildId), "login", {
      limit: 2,
      cursor: paged.nextCursor,
    });
    expect([...paged.items, ...rest.items].map((task) => task.number).sort()).toEqual([1, 3, 5]);
    expect(rest.nextCursor).toBeNull();
  });

  it("suggests by number prefix and title words, live tasks first", async () => {
    expect((await h.tasks.suggest(systemReader(s.guildId), "1")).map((task) => task.number)).toEqual([
      1, 10, 11, 12,
    ]);
    expect((await h.tasks.suggest(systemReader(s.guildId), "#12")).map((task) => task.number)).toEqual([12]);
    const words = await h.tasks.suggest(systemReader(s.guildId), "logi");
    expect(words.map((task) => task.number).sort()).toEqual([1, 3, 5]);
    // whole words, as typed, find titles indexed by their stem ("onboarding" is stored as "onboard")
    expect((await h.tasks.suggest(systemReader(s.guildId), "onboarding")).map((task) => task.number)).toEqual(
      [2],
    );
    expect(
      (await h.tasks.suggest(systemReader(s.guildId), "Rotate keys")).map((task) => task.number),
    ).toEqual([4]);
    expect((await h.tasks.suggest(systemReader(s.guildId), "", 3)).map((task) => task.number)).toEqual([
      12, 11, 10,
    ]);
  });

  it("shows the queue by priority then age, with the live count and the limit", async () => {
    const queue = await h.tasks.queue(systemReader(s.guildId), s.channelId);
    expect(queue.items.map((task) => task.number)).toEqual([4, 1, 3, 5]);
    expect(queue).toMatchObject({ liveCount: 5, limit: 50, nextCursor: null });
    const page = await h.tasks.queue(systemReader(s.guildId), s.channelId, { limit: 2 });
    const next = await h.tasks.queue(systemReader(s.guildId), s.channelId, {
      limit: 2,
      cursor: page.nextCursor,
    });
    expect([...page.items, ...next.items].map((task) => task.number)).toEqual([4, 1, 3, 5]);
  });

  it("pages a task's history newest first", async () => {
    for (const text of ["one", "two", "three"]) await h.tasks.comment(s.ctx(s.member), 3, text);
    const page = await h.tasks.history(systemReader(s.guildId), 3, { limit: 2 });
    expect(page.total).toBe(4);
    expect(page.items.map((event) => event.details.text)).toEqual(["three", "two"]);
    const rest = await h.tasks.history(systemReader(s.guildId), 3, { limit: 2, cursor: page.nextCursor });
    expect(rest.items.map((event) => event.kind)).toEqual(["commented", "created"]);
    expect(rest.nextCursor).toBeNull();
  });

  it("computes stats per channel and per guild", async () => {
    const g = await newScene(h, { requireReview: false });
    const dev = user();
    await h.tasks.create(g.ctx(g.creator), {
      title: "Estimated",
      labels: "api",
      estimate: "2h",
      assigneeId: dev.userId,
    });
    await h.tasks.create(g.ctx(g.creator), { title: "Other", labels: "api", priority: "high" });
    await h.tasks.create(g.ctx(g.creator), { title: "Cancelled", labels: "api" });
    await h.tasks.transition(g.ctx(dev), { number: 1, action: "start" });
    h.clock.advance(3 * 3600_000);
    await h.tasks.transition(g.ctx(dev), { number: 1, action: "submit" });
    await h.tasks.transition(g.ctx(g.creator), { number: 3, action: "cancel" });
    const stats = await h.tasks.stats(systemReader(g.guildId), g.channelId);
    expect(stats.byStatus).toEqual({
      open: 1,
      in_progress: 0,
      in_review: 0,
      blocked: 0,
      done: 1,
      cancelled: 1,
      failed: 0,
    });
    expect(stats.byPriority).toEqual({ low: 0, medium: 0, high: 1, critical: 0 });
    expect(stats.labels).toEqual([{ label: "api", done: 1, total: 2, percent: 50 }]);
    expect(stats.assignees).toEqual([
      { userId: dev.userId, live: 0, inProgress: 0, done: 1, avgCompletionMinutes: 180 },
    ]);
    expect(stats.estimates).toEqual({ tasks: 1, estimatedMinutes: 120, actualMinutes: 180, ratio: 1.5 });
    expect(stats.oldestOpen).toEqual([{ number: 2, title: "Other", status: "open" }]);
    expect(stats.reviewsPending).toBe(0);
    expect((await h.tasks.stats(systemReader(s.guildId))).byStatus.open).toBeGreaterThan(5);
  });

  it("a server's stats merge its channels' figures, and follow a change in one channel", async () => {
    const g = await newScene(h, { requireReview: false });
    const second = snowflake();
    const dev = user();
    const inSecond = (actor: typeof dev) => g.ctx(actor, "slash", second);
    await h.settings.update(inSecond(g.admin), { requireReview: false });
    await h.tasks.create(g.ctx(g.creator), {
      title: "One hour",
      labels: "api",
      estimate: "1h",
      assigneeId: dev.userId,
    });
    await h.tasks.create(inSecond(g.creator), {
      title: "Three hours",
      labels: "api, ui",
      estimate: "1h",
      assigneeId: dev.userId,
    });
    await h.tasks.create(inSecond(g.creator), { title: "Waiting", labels: "ui" });
    await h.tasks.transition(g.ctx(dev), { number: 1, action: "start" });
    await h.tasks.transition(inSecond(dev), { number: 2, action: "start" });
    h.clock.advance(3600_000);
    await h.tasks.transition(g.ctx(dev), { number: 1, action: "submit" });
    h.clock.advance(2 * 3600_000);
    await h.tasks.transition(inSecond(dev), { number: 2, action: "submit" });
    const before = await h.tasks.stats(systemReader(g.guildId));
    expect(before.byStatus).toMatchObject({ open: 1, done: 2 });
    expect(before.labels).toEqual([
      { label: "api", done: 2, total: 2, percent: 100 },
      { label: "ui", done: 1, total: 2, percent: 50 },
    ]);
    // Averaged over both channels' tasks (1 h and 3 h), not over the channels' averages.
    expect(before.assignees).toEqual([
      { userId: dev.userId, live: 0, inProgress: 0, done: 2, avgCompletionMinutes: 120 },
    ]);
    expect(before.estimates).toEqual({ tasks: 2, estimatedMinutes: 120, actualMinutes: 240, ratio: 2 });
    expect(before.oldestOpen).toEqual([{ number: 3, title: "Waiting", status: "open" }]);
    await h.tasks.transition(inSecond(dev), { number: 3, action: "claim" });
    await h.tasks.transition(inSecond(dev), { number: 3, action: "start" });
    const after = await h.tasks.stats(systemReader(g.guildId));
    expect(after.byStatus).toMatchObject({ open: 0, in_progress: 1, done: 2 });
    expect(after.assignees).toEqual([
      { userId: dev.userId, live: 1, inProgress: 1, done: 2, avgCompletionMinutes: 120 },
    ]);
    expect(after.oldestOpen).toEqual([]);
    expect((await h.tasks.stats(systemReader(g.guildId), g.channelId)).byStatus.done).toBe(1);
  });
});
