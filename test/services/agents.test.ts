import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { systemReader } from "../../src/services/actors.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { newScene, user } from "./support/scene.ts";

describe.each(DRIVERS)("agents: next, leases, retries and dead letters (%s)", (driver) => {
  // Backoff without jitter: 1 s, 2 s, … capped at 3 s.
  const h = useHarness(driver, { retry: { baseMs: 1_000, capMs: 3_000, jitter: 0 } });

  const outboxOf = (taskId: number) =>
    h.rows<{ kind: string; payload: Record<string, unknown>; next_attempt_at: string }>(
      sql`SELECT kind, payload, next_attempt_at FROM outbox WHERE task_id = ${taskId} AND kind <> 'card' ORDER BY id`,
    );

  it("hands out the queue by priority then age, to one agent with a lease, within its labels and cap", async () => {
    const s = await newScene(h, { leaseMinutes: 10 });
    const bot = { ...user(), isBot: true };
    await h.agents.add(s.ctx(s.admin), { userId: bot.userId, labels: "docs, api", maxConcurrent: 2 });
    await h.tasks.create(s.ctx(s.creator), { title: "Low docs", priority: "low", labels: "docs" });
    await h.tasks.create(s.ctx(s.creator), { title: "UI work", priority: "critical", labels: "ui" });
    await h.tasks.create(s.ctx(s.creator), { title: "API docs", priority: "high", labels: "api,docs" });
    await h.tasks.create(s.ctx(s.creator), { title: "Unlabelled", priority: "medium" });

    const first = await h.tasks.next(s.ctx(bot, "mention"));
    expect(first).toMatchObject({ number: 3, status: "in_progress", assigneeId: bot.userId });
    const lease = new Date(first!.leaseExpiresAt!).getTime() - h.clock.now().getTime();
    expect(lease).toBeGreaterThan(9 * 60_000);
    expect(lease).toBeLessThanOrEqual(10 * 60_000);
    expect((await h.tasks.history(systemReader(s.guildId), 3)).items.map((event) => event.kind)).toEqual([
      "started",
      "claimed",
      "created",
    ]);

    const second = await h.tasks.next(s.ctx(bot, "mention"));
    expect(second).toMatchObject({ number: 4 });
    await expect(h.tasks.next(s.ctx(bot, "mention"))).rejects.toMatchObject({
      name: "AgentAtCapacityError",
      message: "You already have 2 tasks in progress, your limit is 2. Submit or release one first.",
    });
    await h.tasks.transition(s.ctx(bot, "mention"), { number: 4, action: "release" });
    expect(await h.tasks.next(s.ctx(bot, "mention"), { labels: ["docs"] })).toMatchObject({ number: 1 });

    const human = user();
    expect(await h.tasks.next(s.ctx(human))).toMatchObject({ number: 2, leaseExpiresAt: null });
    expect(await h.tasks.next(s.ctx(human))).toMatchObject({ number: 4 });
    expect(await h.tasks.next(s.ctx(human))).toBeNull();
    expect(await h.agents.get(s.guildId, bot.userId)).toMatchObject({
      liveTasks: 2,
      labels: ["docs", "api"],
    });
  });

  it("renews the lease on progress and clears it on release", async () => {
    const s = await newScene(h, { leaseMinutes: 5 });
    const bot = user();
    await h.agents.add(s.ctx(s.admin), { userId: bot.userId });
    await h.tasks.create(s.ctx(s.creator), { title: "Crawl", assigneeId: bot.userId });
    const started = await h.tasks.transition(s.ctx(bot, "mention"), { number: 1, action: "start" });
    h.clock.advance(60_000);
    const progressed = await h.tasks.progress(s.ctx(bot, "mention"), 1, "halfway");
    expect(new Date(progressed.leaseExpiresAt!).getTime()).toBeGreaterThan(
      new Date(started.task.leaseExpiresAt!).getTime(),
    );
    const released = await h.tasks.transition(s.ctx(bot, "mention"), { number: 1, action: "release" });
    expect(released.task).toMatchObject({ status: "open", assigneeId: null, leaseExpiresAt: null });
  });

  it("retries a failed attempt after a doubling backoff with the same assignee, then dead-letters", async () => {
    const s = await newScene(h, { maxAttempts: 3 });
    const bot = user();
    await h.agents.add(s.ctx(s.admin), { userId: bot.userId });
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Flaky job", assigneeId: bot.userId });
    const as = s.ctx(bot, "mention");

    await h.tasks.transition(as, { number: 1, action: "start" });
    const failedOnce = await h.tasks.transition(as, { number: 1, action: "fail", text: "timeout" });
    expect(failedOnce.task).toMatchObject({
      status: "open",
      attempts: 1,
      assigneeId: bot.userId,
      leaseExpiresAt: null,
    });
    const retryAt = new Date(failedOnce.task.nextAttemptAt!).getTime();
    expect(retryAt - h.clock.now().getTime()).toBeGreaterThan(500);
    expect(retryAt - h.clock.now().getTime()).toBeLessThanOrEqual(1_000);
    await expect(h.tasks.transition(as, { number: 1, action: "start" })).rejects.toMatchObject({
      message: expect.stringContaining("#1 is waiting before its next attempt"),
    });
    expect(await h.tasks.next(as)).toBeNull();

    h.clock.advance(1_000);
    expect(await h.tasks.next(as)).toMatchObject({ number: 1, status: "in_progress" });
    const failedTwice = await h.tasks.transition(as, { number: 1, action: "fail", text: "timeout again" });
    const secondDelay = new Date(failedTwice.task.nextAttemptAt!).getTime() - h.clock.now().getTime();
    expect(secondDelay).toBeGreaterThan(1_500);
    expect(secondDelay).toBeLessThanOrEqual(2_000);

    h.clock.advance(2_000);
    await h.tasks.transition(as, { number: 1, action: "start" });
    const dead = await h.tasks.transition(as, { number: 1, action: "fail", text: "gave up" });
    expect(dead.task).toMatchObject({ status: "failed", attempts: 3, nextAttemptAt: null });

    const messages = await outboxOf(task.id);
    expect(messages.map((row) => [row.kind, row.payload.kind ?? row.payload.attempt])).toEqual([
      ["assignment", 1],
      ["announcement", "retry"],
      ["assignment", 2],
      ["announcement", "retry"],
      ["assignment", 3],
      ["announcement", "dead_letter"],
      // The creator is told their task failed.
      ["creator_notice", undefined],
    ]);
    expect(messages[5]!.payload.text).toBe(
      "#1 failed 3 of 3 attempts: gave up. It is now in the dead-letter state; a reviewer can reopen it.",
    );
    // The retry's assignment waits out the backoff.
    expect(new Date(messages[2]!.next_attempt_at).getTime()).toBe(retryAt);

    const reopened = await h.tasks.transition(s.ctx(s.reviewer), { number: 1, action: "reopen" });
    expect(reopened.task).toMatchObject({ status: "open", attempts: 0, assigneeId: bot.userId });
    expect((await outboxOf(task.id)).at(-1)).toMatchObject({ kind: "assignment", payload: { attempt: 1 } });
  });
});
