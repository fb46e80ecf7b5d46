import { describe, expect, it } from "vitest";
import { QueueLimitError } from "../../src/domain/errors.ts";
import { systemReader } from "../../src/services/actors.ts";
import { testRedisUrl } from "../support/test-db.ts";
import { ctxFor, GUILD, newChannel, useWorld, type World } from "./world.ts";

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
