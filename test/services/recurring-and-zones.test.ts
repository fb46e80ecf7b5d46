import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ForbiddenError, ValidationError } from "../../src/domain/errors.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { memberIn, newScene } from "./support/scene.ts";

const DAY = 24 * 3_600_000;

describe.each(DRIVERS)("recurring tasks (%s)", (driver) => {
  const h = useHarness(driver);

  async function finish(s: Awaited<ReturnType<typeof newScene>>, number: number) {
    await h.tasks.transition(s.ctx(s.member), { number, action: "start" });
    await h.tasks.transition(s.ctx(s.member), { number, action: "submit", text: "done" });
    return h.tasks.transition(s.ctx(s.reviewer), { number, action: "approve" });
  }

  it("a weekly task approved: the next one is created, due a week after the previous due date, linked both ways", async () => {
    const s = await newScene(h);
    const first = await h.tasks.create(s.ctx(s.creator), {
      title: "Water the plants",
      description: "All of them",
      labels: "office, chores",
      priority: "high",
      assigneeId: s.member.userId,
      due: "2d",
      repeat: "weekly",
    });
    expect(first.repeat).toBe("weekly");
    h.clock.advance(3 * DAY); // done a day late
    const { task: done } = await finish(s, first.number);
    expect(done.status).toBe("done");
    expect(done.nextOccurrence).toBe(first.number + 1);

    const next = await h.tasks.get(s.ctx(s.member), first.number + 1);
    expect(next).toMatchObject({
      title: "Water the plants",
      description: "All of them",
      labels: ["office", "chores"],
      priority: "high",
      assigneeId: s.member.userId,
      channelId: s.channelId,
      createdBy: s.creator.userId,
      status: "open",
      repeat: "weekly",
      overdue: false,
    });
    expect(Date.parse(next.dueAt!) - Date.parse(first.dueAt!)).toBe(7 * DAY);

    const closing = (await h.tasks.history(s.ctx(s.member), first.number)).items.find(
      (event) => event.kind === "approved",
    );
    expect(closing?.details).toMatchObject({ next: next.number });
    const created = (await h.tasks.history(s.ctx(s.member), next.number)).items.find(
      (event) => event.kind === "created",
    );
    expect(created).toMatchObject({ source: "system", details: { repeats: first.number } });

    // Reopened and done again, it does not start a second series.
    await h.tasks.transition(s.ctx(s.creator), { number: first.number, action: "reopen" });
    await finish(s, first.number);
    const [count] = await h.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM tasks WHERE guild_id = ${s.guildId}`,
    );
    expect(Number(count!.n)).toBe(2);
  });

  it("without a due date the next one is due a period after the completion", async () => {
    const s = await newScene(h, { requireReview: false });
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Daily stand-up notes", repeat: "daily" });
    await h.tasks.transition(s.ctx(s.member), { number: task.number, action: "claim" });
    await h.tasks.transition(s.ctx(s.member), { number: task.number, action: "start" });
    const { task: done } = await h.tasks.transition(s.ctx(s.member), {
      number: task.number,
      action: "submit",
    });
    const next = await h.tasks.get(s.ctx(s.member), done.nextOccurrence!);
    expect(Date.parse(next.dueAt!) - Date.parse(done.completedAt!)).toBe(DAY);
  });

  it("cancel ends the series; cancel with skip this one creates the next", async () => {
    const s = await newScene(h);
    const a = await h.tasks.create(s.ctx(s.creator), {
      title: "Monthly invoice",
      due: "5d",
      repeat: "monthly",
    });
    const { task: skipped } = await h.tasks.transition(s.ctx(s.creator), {
      number: a.number,
      action: "skip",
      text: "holiday",
    });
    expect(skipped.status).toBe("cancelled");
    const next = await h.tasks.get(s.ctx(s.creator), skipped.nextOccurrence!);
    expect(next).toMatchObject({ title: "Monthly invoice", status: "open", repeat: "monthly" });
    const history = (await h.tasks.history(s.ctx(s.creator), a.number)).items.map((event) => event.kind);
    expect(history).toContain("skipped");

    const { task: cancelled } = await h.tasks.transition(s.ctx(s.creator), {
      number: next.number,
      action: "cancel",
    });
    expect(cancelled.nextOccurrence).toBeNull();
    const [count] = await h.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM tasks WHERE guild_id = ${s.guildId}`,
    );
    expect(Number(count!.n)).toBe(2);
  });

  it("skip is the creator's, a reviewer's or an admin's, like cancel", async () => {
    const s = await newScene(h);
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Weekly sync", repeat: "weekly" });
    const before = await h.snapshot();
    await expect(
      h.tasks.transition(s.ctx(s.member), { number: task.number, action: "skip" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await h.snapshot()).toEqual(before);
  });

  it("edit repeat:none ends the series; repeat:weekly starts one", async () => {
    const s = await newScene(h);
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Once or often", repeat: "daily" });
    const oneOff = await h.tasks.edit(s.ctx(s.creator), task.number, { repeat: "none" });
    expect(oneOff.repeat).toBeNull();
    const { task: done } = await h.tasks.transition(s.ctx(s.creator), {
      number: task.number,
      action: "skip",
    });
    expect(done.nextOccurrence).toBeNull();
    const weekly = await h.tasks.create(s.ctx(s.creator), { title: "Later weekly" });
    expect((await h.tasks.edit(s.ctx(s.creator), weekly.number, { repeat: "Weekly" })).repeat).toBe("weekly");
  });

  it("bad input: repeat:hourly and a due date in the past name the field and change nothing", async () => {
    const s = await newScene(h);
    const task = await h.tasks.create(s.ctx(s.creator), { title: "Existing" });
    const before = await h.snapshot();
    const refusal = async (run: () => Promise<unknown>) => {
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      return (error as Error).message;
    };
    expect(await refusal(() => h.tasks.create(s.ctx(s.creator), { title: "x", repeat: "hourly" }))).toBe(
      "repeat must be one of daily, weekdays, weekly, monthly",
    );
    expect(await refusal(() => h.tasks.edit(s.ctx(s.creator), task.number, { repeat: "hourly" }))).toBe(
      "repeat must be one of daily, weekdays, weekly, monthly",
    );
    expect(
      await refusal(() => h.tasks.create(s.ctx(s.creator), { title: "x", due: "2020-01-01 10:00" })),
    ).toBe("due must not be in the past");
    expect(await refusal(() => h.tasks.edit(s.ctx(s.creator), task.number, { due: "2020-01-01" }))).toBe(
      "due must not be in the past",
    );
    expect(await h.snapshot()).toEqual(before);
  });
});

describe.each(DRIVERS)("the server's time zone (%s)", (driver) => {
  const h = useHarness(driver);

  it("a Berlin server's 2030-03-01 17:00 is stored as 16:00 UTC, on create and on edit", async () => {
    const s = await newScene(h);
    expect((await h.settings.update(s.ctx(s.admin), { timezone: "europe/berlin" })).timezone).toBe(
      "Europe/Berlin",
    );
    const task = await h.tasks.create(s.ctx(s.creator), {
      title: "Berlin deadline",
      due: "2030-03-01 17:00",
    });
    expect(task.dueAt).toBe("2030-03-01T16:00:00.000Z");
    const [row] = await h.rows<{ due: string }>(
      sql`SELECT to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS due FROM tasks WHERE id = ${task.id}`,
    );
    expect(row!.due).toBe("2030-03-01 16:00");
    const edited = await h.tasks.edit(s.ctx(s.creator), task.number, { due: "2030-07-01 17:00" });
    expect(edited.dueAt).toBe("2030-07-01T15:00:00.000Z");
    // Another server of the same bot still reads UTC.
    const other = await newScene(h);
    const utc = await h.tasks.create(other.ctx(other.creator), { title: "UTC", due: "2030-03-01 17:00" });
    expect(utc.dueAt).toBe("2030-03-01T17:00:00.000Z");
    expect((await h.settings.show(other.ctx(other.admin))).timezone).toBe("UTC");
  });

  it("timezone:Mars/Olympus is refused naming the field; changing it needs Manage Server", async () => {
    const s = await newScene(h);
    const before = await h.snapshot();
    const error = await h.settings
      .update(s.ctx(s.admin), { timezone: "Mars/Olympus" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe(
      'timezone must be a time zone name like Europe/Berlin or America/New_York ("Mars/Olympus" is not one)',
    );
    const markup = await h.settings
      .update(s.ctx(s.admin), { timezone: "@everyone <@&1>" })
      .catch((e: unknown) => e);
    expect((markup as Error).message).toBe(
      "timezone must be a time zone name like Europe/Berlin or America/New_York",
    );
    const channelAdmin = memberIn({ [s.channelId]: "manage" });
    await expect(
      h.settings.update(s.ctx(channelAdmin), { timezone: "Europe/Berlin" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await h.snapshot()).toEqual(before);
    // A channel's own settings remain theirs.
    await h.settings.update(s.ctx(channelAdmin), { remindBefore: "2h" });
    expect((await h.settings.show(s.ctx(channelAdmin))).remindBeforeMinutes).toEqual([120]);
  });
});
