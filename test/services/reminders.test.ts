import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { ConflictError, ValidationError } from "../../src/domain/errors.ts";
import { silentLogger } from "../../src/log.ts";
import type { JobService } from "../../src/services/contracts.ts";
import { createJobService } from "../../src/services/jobs/index.ts";
import { DRIVERS, type Harness, useHarness } from "./support/harness.ts";
import { newScene, snowflake } from "./support/scene.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BOT = snowflake();

interface ReminderRow extends Record<string, unknown> {
  task_id: number;
  offset: number;
  due: string;
}

describe.each(DRIVERS)("due-date reminders (%s)", (driver) => {
  const h = useHarness(driver);
  let jobs: JobService;
  beforeAll(() => {
    jobs = createJobService({
      database: h.database,
      cache: h.cache,
      log: silentLogger,
      now: h.clock.now,
      tasks: h.tasks,
    });
  });

  const pass = () => jobs.sendReminders({ systemUserId: () => BOT });
  const remindersOf = (taskId: number) =>
    h.rows<ReminderRow>(sql`
      SELECT task_id, (payload->>'offsetMinutes')::int AS offset, payload->>'dueAt' AS due
      FROM outbox WHERE kind = 'reminder' AND task_id = ${taskId} ORDER BY id`);
  const offsetsOf = async (taskId: number) => (await remindersOf(taskId)).map((row) => Number(row.offset));

  it("sends one reminder per offset, at its time and once: before, at the due time, then daily three times", async () => {
    const s = await newScene(h, { remindBefore: "1d,1h" });
    const task = await h.tasks.create(s.ctx(s.creator), {
      title: "Ship the report",
      due: "3d",
      assigneeId: s.member.userId,
    });
    await pass();
    expect(await offsetsOf(task.id)).toEqual([]);

    h.clock.advance(2 * DAY + 1000); // a day before
    expect(await pass()).toBeGreaterThanOrEqual(1);
    await pass();
    expect(await offsetsOf(task.id)).toEqual([1440]);

    h.clock.advance(23 * HOUR); // an hour before
    await pass();
    await pass();
    expect(await offsetsOf(task.id)).toEqual([1440, 60]);
    expect((await h.tasks.get(s.ctx(s.member), task.number)).overdue).toBe(false);

    h.clock.advance(HOUR); // the due time
    await pass();
    expect(await offsetsOf(task.id)).toEqual([1440, 60, 0]);
    const overdue = await h.tasks.get(s.ctx(s.member), task.number);
    expect(overdue.overdue).toBe(true);
    expect(overdue.version).toBe(task.version + 1);
    const history = await h.tasks.history(s.ctx(s.member), task.number);
    expect(history.items.map((event) => event.kind)).toContain("overdue");
    // A card clicked at the version before tells what happened since.
    const stale = await h.tasks
      .transition(s.ctx(s.member), { number: task.number, action: "start", expectedVersion: task.version })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect((stale as Error).message).toBe(
      `#${task.number} changed since you saw it: it was marked overdue by <@${BOT}>.`,
    );

    for (let day = 1; day <= 5; day += 1) {
      h.clock.advance(DAY);
      await pass();
    }
    expect(await offsetsOf(task.id)).toEqual([1440, 60, 0, -1440, -2880, -4320]);
    for (const row of await remindersOf(task.id)) expect(row.due).toBe(task.dueAt);
  });

  it("is sent exactly once per (task, offset) with two instances racing their passes", async () => {
    const s = await newScene(h, { remindBefore: "2h,1h" });
    const created = [];
    for (let i = 0; i < 12; i += 1)
      created.push(await h.tasks.create(s.ctx(s.creator), { title: `Race ${i}`, due: "3h" }));
    const other = createJobService({
      database: h.database,
      cache: h.cache,
      log: silentLogger,
      now: h.clock.now,
      tasks: h.tasks,
    });
    h.clock.advance(2 * HOUR + 1000);
    const results = await Promise.all([
      pass(),
      other.sendReminders({ systemUserId: () => BOT }),
      pass(),
      other.sendReminders({ systemUserId: () => BOT }),
    ]);
    // Together the passes queued each task's two due reminders (2h and 1h before) once.
    expect(results.reduce((sum: number, n: number) => sum + n, 0)).toBe(24);
    for (const task of created) expect((await offsetsOf(task.id)).sort()).toEqual([120, 60].sort());
  });

  it("never reminds about a task that is done, cancelled or failed", async () => {
    const s = await newScene(h, { requireReview: false });
    const done = await h.tasks.create(s.ctx(s.creator), { title: "Done early", due: "2d" });
    await h.tasks.transition(s.ctx(s.member), { number: done.number, action: "claim" });
    await h.tasks.transition(s.ctx(s.member), { number: done.number, action: "start" });
    await h.tasks.transition(s.ctx(s.member), { number: done.number, action: "submit" });
    const cancelled = await h.tasks.create(s.ctx(s.creator), { title: "Not needed", due: "2d" });
    await h.tasks.transition(s.ctx(s.creator), { number: cancelled.number, action: "cancel" });
    h.clock.advance(6 * DAY);
    await pass();
    expect(await offsetsOf(done.id)).toEqual([]);
    expect(await offsetsOf(cancelled.id)).toEqual([]);
    expect((await h.tasks.get(s.ctx(s.member), done.number)).overdue).toBe(false);
    const [left] = await h.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM task_reminders WHERE task_id IN (${done.id}, ${cancelled.id}) AND sent_at IS NULL`,
    );
    expect(Number(left!.n)).toBe(0);
  });

  it("changing the due date re-arms the reminders (and clears overdue); clearing it stops them", async () => {
    const s = await newScene(h);
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Moving target", due: "2d" });
    h.clock.advance(DAY + 1000);
    await pass();
    expect(await offsetsOf(task.id)).toEqual([1440]);

    const moved = await h.tasks.edit(s.ctx(s.creator), task.number, { due: "3d" });
    h.clock.advance(2 * DAY);
    await pass();
    const rows = await remindersOf(task.id);
    expect(rows.map((row) => Number(row.offset))).toEqual([1440, 1440]);
    expect(rows[1]!.due).toBe(moved.dueAt);

    await h.tasks.edit(s.ctx(s.creator), task.number, { due: "none" });
    h.clock.advance(5 * DAY);
    await pass();
    expect(await offsetsOf(task.id)).toEqual([1440, 1440]);
  });

  it("an overdue task gets a new date: it is no longer overdue", async () => {
    const s = await newScene(h, { remindOverdue: false });
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Late", due: "1h" });
    h.clock.advance(2 * HOUR);
    await pass();
    // remind-overdue off: no message, but the card still says overdue.
    expect(await offsetsOf(task.id)).toEqual([]);
    expect((await h.tasks.get(s.ctx(s.creator), task.number)).overdue).toBe(true);
    const later = await h.tasks.edit(s.ctx(s.creator), task.number, { due: "2d" });
    expect(later.overdue).toBe(false);
  });

  it("follows the channel's settings when they change, without repeating what was sent", async () => {
    const s = await newScene(h, { remindBefore: "2d" });
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Configurable", due: "3d" });
    h.clock.advance(DAY + 1000);
    await pass();
    expect(await offsetsOf(task.id)).toEqual([2880]);
    await h.settings.update(s.ctx(s.admin), { remindBefore: "2d,1h" });
    h.clock.advance(2 * DAY - HOUR);
    await pass();
    expect(await offsetsOf(task.id)).toEqual([2880, 60]);
    await h.settings.update(s.ctx(s.admin), { remindBefore: "off", remindOverdue: false });
    h.clock.advance(4 * DAY);
    await pass();
    expect(await offsetsOf(task.id)).toEqual([2880, 60]);
  });

  it("bad reminder settings are refused with the field named, and nothing changes", async () => {
    const s = await newScene(h);
    const before = await h.snapshot();
    const refusal = async (patch: Parameters<Harness["settings"]["update"]>[1]) => {
      const error = await h.settings.update(s.ctx(s.admin), patch).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      return (error as Error).message;
    };
    expect(await refusal({ remindBefore: "0m" })).toBe("remind before must each be at least 1m");
    expect(await refusal({ remindBefore: "1d,soon" })).toBe(
      "remind before must be durations like 1d,1h (or off)",
    );
    expect(await refusal({ remindBefore: "31d" })).toBe("remind before must each be at most 30d");
    expect(await h.snapshot()).toEqual(before);
    expect((await h.settings.show(s.ctx(s.admin))).remindBeforeMinutes).toEqual([1440]);
  });
});
