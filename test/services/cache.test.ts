import { describe, expect, it } from "vitest";
import type { Cache, Signal, ViewCache } from "../../src/cache/types.ts";
import { systemReader } from "../../src/services/actors.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { newScene } from "./support/scene.ts";

/** The cache with some of its view calls wrapped; the wrappers call the real ones. */
function withViews(cache: Cache, views: Partial<ViewCache>): Cache {
  return { ...cache, views: { ...cache.views, ...views } };
}

describe.each(DRIVERS)("the hot path: gate, cached views, signals (%s)", (driver) => {
  const h = useHarness(driver);

  it("refuses a create into a full channel from the gate, without a single database query", async () => {
    const s = await newScene(h, { queueLimit: 2 });
    await h.tasks.create(s.ctx(s.creator), { title: "One" });
    await h.tasks.create(s.ctx(s.creator), { title: "Two" });
    expect(await h.cache.gate.peek(s.channelId)).toBe(2);
    const queries = h.database.queryCount();
    await expect(h.tasks.create(s.ctx(s.creator), { title: "Three" })).rejects.toMatchObject({
      name: "QueueLimitError",
      count: 2,
      limit: 2,
      message: "This channel's queue is full: 2 live tasks, limit 2. Finish or cancel one first.",
    });
    expect(h.database.queryCount()).toBe(queries);
  });

  it("gives a slot back when a task becomes terminal and takes it again on reopen, which respects the limit", async () => {
    const s = await newScene(h, { queueLimit: 1 });
    await h.tasks.create(s.ctx(s.creator), { title: "Only one" });
    await h.tasks.transition(s.ctx(s.creator), { number: 1, action: "cancel", text: "not needed" });
    expect(await h.cache.gate.peek(s.channelId)).toBe(0);
    await h.tasks.create(s.ctx(s.creator), { title: "Replacement" });
    const before = await h.snapshot();
    await expect(h.tasks.transition(s.ctx(s.creator), { number: 1, action: "reopen" })).rejects.toMatchObject(
      {
        name: "QueueLimitError",
        count: 1,
        limit: 1,
      },
    );
    expect(await h.snapshot()).toEqual(before);
    await h.tasks.transition(s.ctx(s.creator), { number: 2, action: "cancel" });
    await h.tasks.transition(s.ctx(s.creator), { number: 1, action: "reopen" });
    expect(await h.cache.gate.peek(s.channelId)).toBe(1);
  });

  it("serves get() from the cache and never shows a change undone after it commits", async () => {
    const s = await newScene(h);
    await h.tasks.create(s.ctx(s.creator), { title: "Cached" });
    await h.tasks.get(systemReader(s.guildId), 1);
    const queries = h.database.queryCount();
    expect((await h.tasks.get(systemReader(s.guildId), 1)).title).toBe("Cached");
    expect(h.database.queryCount()).toBe(queries);
    await h.tasks.transition(s.ctx(s.member), { number: 1, action: "claim" });
    expect(await h.tasks.get(systemReader(s.guildId), 1)).toMatchObject({
      assigneeId: s.member.userId,
      version: 2,
    });
    await h.tasks.comment(s.ctx(s.member), 1, "on it");
    expect((await h.tasks.get(systemReader(s.guildId), 1)).lastEvent).toMatchObject({ kind: "commented" });
  });

  it("stores the view each change commits: the first read after a claim, a start, a submit and an approve is a hit", async () => {
    const s = await newScene(h);
    await h.tasks.create(s.ctx(s.creator), { title: "Read me after each click" });
    const changes = [
      { actor: s.member, action: "claim", status: "open" },
      { actor: s.member, action: "start", status: "in_progress" },
      { actor: s.member, action: "submit", status: "in_review" },
      { actor: s.reviewer, action: "approve", status: "done" },
    ] as const;
    for (const change of changes) {
      const { task } = await h.tasks.transition(s.ctx(change.actor, "button"), {
        number: 1,
        action: change.action,
      });
      const queries = h.database.queryCount();
      const read = await h.tasks.get(systemReader(s.guildId), 1);
      expect(h.database.queryCount(), `the read after ${change.action}`).toBe(queries);
      expect(read).toMatchObject({ status: change.status, version: task.version });
    }
  });

  it("takes a change's view mark from the delete just before it, and asks the cache again once that mark is a second old", async () => {
    const s = await newScene(h);
    let asked = 0;
    const views = h.cache.views;
    const counted = withViews(h.cache, {
      mark: () => {
        asked += 1;
        return views.mark();
      },
    });
    const [service] = h.instances(1, counted);
    await service!.create(s.ctx(s.creator), { title: "Marked by its deletes" });
    for (const action of ["claim", "start"] as const)
      await service!.transition(s.ctx(s.member, "button"), { number: 1, action });
    expect(asked).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const { task } = await service!.transition(s.ctx(s.member, "button"), { number: 1, action: "submit" });
    expect(asked).toBe(1);
    const queries = h.database.queryCount();
    expect(await service!.get(systemReader(s.guildId), 1)).toMatchObject({
      status: "in_review",
      version: task.version,
    });
    expect(h.database.queryCount()).toBe(queries);
  });

  it("answers a change once its view deletes are sent, not answered, and never shows it undone after", async () => {
    const s = await newScene(h);
    const views = h.cache.views;
    // The real delete runs at once; only its answer is held until the test lets it through.
    const held: (() => void)[] = [];
    const holding = withViews(h.cache, {
      del: (keys, fresh) => {
        const released = new Promise<void>((resolve) => held.push(resolve));
        return Promise.all([views.del(keys, fresh), released]).then(([mark]) => mark);
      },
    });
    const [service] = h.instances(1, holding);
    const outcome = (change: Promise<unknown>) =>
      Promise.race([
        change.then(() => "answered"),
        new Promise((resolve) => setTimeout(() => resolve("waiting"), 2_000)),
      ]);
    expect(await outcome(service!.create(s.ctx(s.creator), { title: "Answered before Redis" }))).toBe(
      "answered",
    );
    expect(held).toHaveLength(1);
    // The claim's mark waits for the create's delete to be answered (the mark it leaves).
    const claim = service!.transition(s.ctx(s.member, "button"), { number: 1, action: "claim" });
    expect(await outcome(claim)).toBe("waiting");
    held.shift()!();
    expect(await outcome(claim)).toBe("answered");
    expect(held).toHaveLength(1);
    const queries = h.database.queryCount();
    expect(await service!.get(systemReader(s.guildId), 1)).toMatchObject({
      status: "open",
      assigneeId: s.member.userId,
      version: (await claim).task.version,
    });
    expect(h.database.queryCount()).toBe(queries);
    held.shift()!();
  });

  it("drops the cached views of relatives: parent, subtasks and dependents", async () => {
    const s = await newScene(h, { requireReview: false });
    await h.tasks.create(s.ctx(s.creator), { title: "Parent" });
    await h.tasks.create(s.ctx(s.creator), { title: "Child", parentNumber: 1 });
    await h.tasks.create(s.ctx(s.creator), { title: "Dependent", dependsOn: [2] });
    for (const number of [1, 2, 3]) await h.tasks.get(systemReader(s.guildId), number);
    await h.tasks.edit(s.ctx(s.creator), 2, { title: "Renamed child" });
    expect((await h.tasks.get(systemReader(s.guildId), 1)).subtasks).toMatchObject([
      { number: 2, title: "Renamed child" },
    ]);
    expect((await h.tasks.get(systemReader(s.guildId), 3)).dependencies).toMatchObject([
      { number: 2, title: "Renamed child" },
    ]);
    await h.tasks.transition(s.ctx(s.member), { number: 2, action: "claim" });
    await h.tasks.transition(s.ctx(s.member), { number: 2, action: "start" });
    await h.tasks.transition(s.ctx(s.member), { number: 2, action: "submit" });
    expect((await h.tasks.get(systemReader(s.guildId), 1)).subtasks).toMatchObject([
      { number: 2, status: "done" },
    ]);
    expect(await h.tasks.get(systemReader(s.guildId), 3)).toMatchObject({
      status: "open",
      dependencies: [{ status: "done" }],
    });
  });

  it("reads channel settings through the cache and drops them when an admin changes them", async () => {
    const s = await newScene(h, { queueLimit: 5 });
    expect((await h.settings.get(s.guildId, s.channelId)).queueLimit).toBe(5);
    const queries = h.database.queryCount();
    await h.settings.get(s.guildId, s.channelId);
    expect(h.database.queryCount()).toBe(queries);
    await h.settings.update(s.ctx(s.admin), { queueLimit: null, requireReview: false });
    expect(await h.settings.get(s.guildId, s.channelId)).toMatchObject({
      queueLimit: null,
      requireReview: false,
    });
    expect((await h.tasks.queue(systemReader(s.guildId), s.channelId)).limit).toBeNull();
  });

  it("signals task changes and waiting outbox rows after the commit", async () => {
    const s = await newScene(h);
    const signals: Signal[] = [];
    const stop = h.cache.signals.subscribe((signal) => signals.push(signal));
    try {
      // A mention's create: its card row is due at once (the outbox posts its card).
      const task = await h.tasks.create(s.ctx(s.creator, "mention"), { title: "Signalled" });
      await expect.poll(() => signals.length).toBeGreaterThanOrEqual(2);
      expect(signals).toContainEqual({
        type: "task_changed",
        guildId: s.guildId,
        taskId: task.id,
        number: 1,
      });
      expect(signals).toContainEqual({ type: "outbox_ready" });
    } finally {
      stop();
    }
  });

  it("wakes the outbox only for rows due now: not for a card left to the reply or the click that shows it", async () => {
    const s = await newScene(h, { requireReview: false, notifyCreator: "off" });
    const signals: Signal[] = [];
    const stop = h.cache.signals.subscribe((signal) => signals.push(signal));
    const settled = async (count: number) => {
      await expect.poll(() => signals.filter((signal) => signal.type === "task_changed").length).toBe(count);
      return signals.filter((signal) => signal.type === "outbox_ready").length;
    };
    try {
      // A slash create is answered with its card: its card row waits out the reply's grace.
      const task = await h.tasks.create(s.ctx(s.creator), { title: "Answered with its card" });
      expect(await settled(1)).toBe(0);
      // Clicks show their own change: their card rows wait too.
      const click = s.ctx(s.member, "button");
      const claimed = await h.tasks.transition(click, { number: task.number, action: "claim" });
      const started = await h.tasks.transition(click, {
        number: task.number,
        action: "start",
        expectedVersion: claimed.task.version,
      });
      await h.tasks.transition(click, {
        number: task.number,
        action: "submit",
        expectedVersion: started.task.version,
      });
      expect(await settled(4)).toBe(0);
      // A mention's create has no reply to show its card: the row is due at once.
      await h.tasks.create(s.ctx(s.creator, "mention"), { title: "Posted by the outbox" });
      expect(await settled(5)).toBe(1);
      // A create assigning someone else sends them a message at once.
      await h.tasks.create(s.ctx(s.creator), { title: "For the member", assigneeId: s.member.userId });
      expect(await settled(6)).toBe(2);
    } finally {
      stop();
    }
  });
});
