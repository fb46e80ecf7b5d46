import { describe, expect, it } from "vitest";
import { viewKeys } from "../../src/cache/keys.ts";
import { createMemoryCache } from "../../src/cache/memory-cache.ts";
import { QueueLimitError } from "../../src/domain/errors.ts";
import { silentLogger } from "../../src/log.ts";
import { systemReader } from "../../src/services/actors.ts";
import { createTaskService } from "../../src/services/tasks/index.ts";
import { testRedisUrl } from "../support/test-db.ts";
import { ctxFor, GUILD, newChannel, useWorld, type World } from "./world.ts";

const MEMBER = "300000000000000077";

describe.each([
  ["Redis", () => testRedisUrl()],
  ["the in-process cache", () => undefined],
])("a warm cache (%s) keeps reads off Postgres", (_name, redisUrl) => {
  const world = useWorld({ redisUrl: redisUrl(), count: 1 });

  it("a task view read twice queries Postgres only the first time", async () => {
    const [{ tasks, database, cache }] = world.instances as [World["instances"][0]];
    const channel = newChannel();
    const created = await tasks.create(ctxFor(channel), { title: "Warm me up", labels: "docs" });
    const first = await tasks.get(systemReader(GUILD), created.number);
    const before = database.queryCount();
    const hitsBefore = cache.metrics().hits;
    for (let i = 0; i < 5; i += 1)
      expect(await tasks.get(systemReader(GUILD), created.number)).toEqual(first);
    expect(database.queryCount()).toBe(before);
    expect(cache.metrics().hits).toBe(hitsBefore + 5);
  });

  it("a task just created is read from the cache at once, exactly as Postgres would answer", async () => {
    const [{ tasks, database, cache }] = world.instances as [World["instances"][0]];
    const channel = newChannel();
    const created = await tasks.create(ctxFor(channel), { title: "Cached as made", labels: "ui, api" });
    const before = database.queryCount();
    const hitsBefore = cache.metrics().hits;
    const first = await tasks.get(systemReader(GUILD), created.number);
    expect(database.queryCount()).toBe(before);
    expect(cache.metrics().hits).toBe(hitsBefore + 1);
    await cache.views.del([viewKeys.task(GUILD, created.number)]);
    const fromPostgres = await tasks.get(systemReader(GUILD), created.number);
    expect(database.queryCount()).toBeGreaterThan(before);
    expect(first).toEqual(fromPostgres);
    expect(first).toMatchObject({ title: "Cached as made", labels: ["ui", "api"], status: "open" });
  });

  it("each change stores the view it committed: the next read is a hit, exactly as Postgres would answer", async () => {
    const [{ tasks, database }] = world.instances as [World["instances"][0]];
    const channel = newChannel();
    const member = ctxFor(channel, MEMBER, false);
    const created = await tasks.create(ctxFor(channel), { title: "Changed and cached" });
    for (const action of ["claim", "start", "submit", "approve"] as const) {
      await tasks.transition(action === "approve" ? ctxFor(channel) : member, {
        number: created.number,
        action,
      });
      const before = database.queryCount();
      const cached = await tasks.get(systemReader(GUILD), created.number);
      expect(database.queryCount()).toBe(before);
      // Read from Postgres by a service with a cache of its own: a delete of the shared key would be
      // one this instance did not make, after the mark it learned, so its next change would rightly
      // not store its view.
      const fromPostgres = createTaskService({
        database,
        cache: createMemoryCache({ log: silentLogger }),
        log: silentLogger,
      });
      expect(cached).toEqual(await fromPostgres.get(systemReader(GUILD), created.number));
    }
    expect(await tasks.get(systemReader(GUILD), created.number)).toMatchObject({
      status: "done",
      assigneeId: MEMBER,
    });
  });

  it("the first page of a queue read twice queries Postgres only the first time", async () => {
    const [{ tasks, database }] = world.instances as [World["instances"][0]];
    const channel = newChannel();
    await tasks.create(ctxFor(channel), { title: "One" });
    await tasks.create(ctxFor(channel), { title: "Two", priority: "high" });
    const first = await tasks.queue(systemReader(GUILD), channel);
    const before = database.queryCount();
    expect(await tasks.queue(systemReader(GUILD), channel)).toEqual(first);
    expect(database.queryCount()).toBe(before);
  });

  it("a create into a full channel is refused from the cache without touching Postgres", async () => {
    const [{ tasks, settings, database }] = world.instances as [World["instances"][0]];
    const channel = newChannel();
    await settings.update(ctxFor(channel), { queueLimit: 2 });
    await tasks.create(ctxFor(channel), { title: "One" });
    await tasks.create(ctxFor(channel), { title: "Two" });
    await expect(tasks.create(ctxFor(channel), { title: "Three" })).rejects.toBeInstanceOf(QueueLimitError);
    const before = database.queryCount();
    const refusal = tasks.create(ctxFor(channel), { title: "Four" });
    await expect(refusal).rejects.toThrow("This channel's queue is full: 2 live tasks, limit 2.");
    expect(database.queryCount()).toBe(before);
  });
});
