import { describe, expect, it } from "vitest";
import { createMetricsRegistry, registerOperatorMetrics } from "../../src/http/metrics.ts";
import { silentLogger } from "../../src/log.ts";
import { createJobService } from "../../src/services/jobs/index.ts";
import { createOperationsService } from "../../src/services/operations/index.ts";
import { DRIVERS, useHarness } from "../services/support/harness.ts";
import { newScene } from "../services/support/scene.ts";

describe.each(DRIVERS)("operator gauges on /metrics (%s)", (driver) => {
  const h = useHarness(driver);

  it("show tasks by status, the deepest queues, and the outbox backlog with its oldest age", async () => {
    const a = await newScene(h);
    const b = await newScene(h);
    for (let i = 0; i < 3; i += 1) await h.tasks.create(a.ctx(a.creator), { title: `A${i}` });
    await h.tasks.create(b.ctx(b.creator), { title: "B0" });
    await h.tasks.create(b.ctx(b.creator), { title: "B1" });
    await h.tasks.transition(b.ctx(b.creator), { number: 2, action: "cancel" });
    h.clock.advance(90_000);

    const operations = createOperationsService({
      database: h.database,
      cache: h.cache,
      log: silentLogger,
      now: h.clock.now,
      rollupTtlMs: 0,
    });
    const snapshot = await operations.snapshot();
    expect(snapshot.tasksByStatus).toMatchObject({ open: 4, cancelled: 1, done: 0, failed: 0 });
    expect(snapshot.queues.slice(0, 2)).toEqual([
      { guildId: a.guildId, channelId: a.channelId, depth: 3 },
      { guildId: b.guildId, channelId: b.channelId, depth: 1 },
    ]);
    // nobody delivers cards here: the 5 creates' and the cancel's card rows coalesce to 5 pending
    expect(snapshot.outbox.pending).toBeGreaterThanOrEqual(5);
    expect(snapshot.outbox.oldestPendingSeconds).toBeGreaterThanOrEqual(90);

    const registry = createMetricsRegistry({ defaultMetrics: false });
    registerOperatorMetrics(registry, operations);
    const text = await registry.metrics();
    expect(text).toContain('tasklane_tasks{status="open"} 4');
    expect(text).toContain('tasklane_tasks{status="in_review"} 0');
    expect(text).toContain(`tasklane_queue_depth{guild_id="${a.guildId}",channel_id="${a.channelId}"} 3`);
    expect(text).toMatch(new RegExp(`tasklane_outbox_pending ${snapshot.outbox.pending}\\n`));
    expect(text).toMatch(/tasklane_outbox_oldest_pending_seconds (9\d|1\d\d)(\.\d+)?\n/);
    expect(text).toContain("tasklane_outbox_dead_rows 0");
  });

  it("show the reminders whose time has come and that are not sent yet", async () => {
    const s = await newScene(h, { remindBefore: "1h" });
    await h.tasks.create(s.ctx(s.creator), { title: "Due soon", due: "3h" });
    const operations = createOperationsService({
      database: h.database,
      cache: h.cache,
      log: silentLogger,
      now: h.clock.now,
      rollupTtlMs: 0,
    });
    expect((await operations.snapshot()).remindersDue).toBe(0);
    h.clock.advance(4 * 3_600_000); // the 1h-before and the at-due reminders are both due now
    expect((await operations.snapshot()).remindersDue).toBe(2);
    const registry = createMetricsRegistry({ defaultMetrics: false });
    registerOperatorMetrics(registry, operations);
    expect(await registry.metrics()).toContain("tasklane_reminders_due 2");

    const jobs = createJobService({
      database: h.database,
      cache: h.cache,
      log: silentLogger,
      now: h.clock.now,
      tasks: h.tasks,
    });
    await jobs.sendReminders({ systemUserId: () => "100000000000000009" });
    expect((await operations.snapshot()).remindersDue).toBe(0);
    expect(await registry.metrics()).toContain("tasklane_reminders_due 0");
  });

  it("scrapes within the rollup window share one rollup", async () => {
    const s = await newScene(h);
    const operations = createOperationsService({
      database: h.database,
      cache: h.cache,
      log: silentLogger,
      now: h.clock.now,
    });
    const before = await operations.snapshot();
    await h.tasks.create(s.ctx(s.creator), { title: "after the first scrape" });
    expect((await operations.snapshot()).tasksByStatus.open).toBe(before.tasksByStatus.open);
    h.clock.advance(15_000);
    expect((await operations.snapshot()).tasksByStatus.open).toBe(before.tasksByStatus.open + 1);
  });
});
