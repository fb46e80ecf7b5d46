import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/errors.ts";
import { silentLogger } from "../../src/log.ts";
import { systemReader } from "../../src/services/actors.ts";
import { createJobService } from "../../src/services/jobs/index.ts";
import { DRIVERS, type Harness, useHarness } from "./support/harness.ts";
import { newScene, snowflake } from "./support/scene.ts";

describe.each(DRIVERS)("due dates in lists and stats (%s)", (driver) => {
  const h = useHarness(driver);

  it("filters overdue, today and this week in the server's zone, sorts by due date, counts overdue", async () => {
    // Wednesday 2030-03-06, 11:00 in Berlin.
    h.clock.advance(Date.parse("2030-03-06T10:00:00.000Z") - h.clock.now().getTime());
    const s = await newScene(h, { timezone: "Europe/Berlin" });
    const create = (title: string, due?: string) =>
      h.tasks.create(s.ctx(s.creator), { title, ...(due ? { due } : {}) });
    const soon = await create("Soon", "2030-03-06 12:00");
    const tonight = await create("Tonight", "2030-03-06 23:30");
    const saturday = await create("Saturday", "saturday 10:00");
    const later = await create("Later", "2030-03-20");
    await create("Whenever");
    const closed = await create("Closed", "2030-03-06 11:30");
    await h.tasks.transition(s.ctx(s.creator), { number: closed.number, action: "cancel" });
    h.clock.advance(2 * 3_600_000); // 13:00 in Berlin: Soon is overdue, Closed would be

    const numbers = async (filters: Parameters<Harness["tasks"]["list"]>[1], limit?: number) =>
      (
        await h.tasks.list(systemReader(s.guildId), { channelId: s.channelId, ...filters }, { limit })
      ).items.map((task) => task.title);
    expect(await numbers({ due: "overdue" })).toEqual(["Soon"]);
    expect(await numbers({ due: "overdue", status: "all" })).toEqual(["Soon"]);
    expect((await numbers({ due: "today" })).sort()).toEqual(["Soon", "Tonight"]);
    expect((await numbers({ due: "week" })).sort()).toEqual(["Saturday", "Soon", "Tonight"]);
    expect(await numbers({ sort: "due" })).toEqual(["Soon", "Tonight", "Saturday", "Later"]);
    expect(await numbers({ sort: "due", due: "week" })).toEqual(["Soon", "Tonight", "Saturday"]);

    // Keyset pages in due order, both ways.
    const reader = systemReader(s.guildId);
    const first = await h.tasks.list(reader, { channelId: s.channelId, sort: "due" }, { limit: 2 });
    expect(first.items.map((task) => task.title)).toEqual(["Soon", "Tonight"]);
    expect(first.total).toBe(4);
    const second = await h.tasks.list(
      reader,
      { channelId: s.channelId, sort: "due" },
      { limit: 2, cursor: first.nextCursor },
    );
    expect(second.items.map((task) => task.title)).toEqual(["Saturday", "Later"]);
    expect(second.nextCursor).toBeNull();
    const back = await h.tasks.list(
      reader,
      { channelId: s.channelId, sort: "due" },
      { limit: 2, cursor: second.prevCursor },
    );
    expect(back.items.map((task) => task.title)).toEqual(["Soon", "Tonight"]);
    expect(back.prevCursor).toBeNull();
    // A cursor of the newest-first order is not one of this list.
    await expect(
      h.tasks.list(
        reader,
        { channelId: s.channelId, sort: "due" },
        { cursor: (await h.tasks.list(reader, { channelId: s.channelId }, { limit: 1 })).nextCursor },
      ),
    ).rejects.toBeInstanceOf(ValidationError);

    expect((await h.tasks.stats(reader, s.channelId)).overdue).toBe(1);
    expect([soon, tonight, saturday, later].every((task) => !task.overdue)).toBe(true);

    // The reminders job marks it: the card and the list line then say so.
    const jobs = createJobService({
      database: h.database,
      cache: h.cache,
      log: silentLogger,
      now: h.clock.now,
      tasks: h.tasks,
    });
    await jobs.sendReminders({ systemUserId: () => snowflake() });
    const [marked] = (await h.tasks.list(reader, { channelId: s.channelId, due: "overdue" })).items;
    expect(marked?.overdue).toBe(true);
  });

  it("refuses a due filter or sort it does not know, naming it", async () => {
    const s = await newScene(h);
    const error = await h.tasks
      .list(systemReader(s.guildId), { due: "yesterday" as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe("due must be one of overdue, today, week");
  });
});
