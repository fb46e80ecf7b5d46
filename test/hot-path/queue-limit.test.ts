import { and, count, eq, inArray } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueueLimitError } from "../../src/domain/errors.ts";
import { systemReader } from "../../src/services/actors.ts";
import { checkGateDrift } from "../../src/services/gate/gate-drift.ts";
import { LIVE_STATUSES, tasks as tasksTable } from "../../src/store/schema.ts";
import { testRedisUrl } from "../support/test-db.ts";
import { ctxFor, newChannel, userId, useWorld } from "./world.ts";

describe("200 racing creates against a queue limit of 10, two instances, Redis up", () => {
  const world = useWorld({ redisUrl: testRedisUrl(), count: 2 });
  let admin: Redis;
  beforeAll(async () => {
    admin = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    admin.disconnect();
  });

  const liveInPostgres = async (channelId: string) => {
    const [row] = await world.instances[0]!.database.db.select({ live: count() })
      .from(tasksTable)
      .where(and(eq(tasksTable.channelId, channelId), inArray(tasksTable.status, [...LIVE_STATUSES])));
    return Number(row!.live);
  };

  const limitedChannel = async (limit: number, alreadyLive: number) => {
    const channel = newChannel();
    await world.instances[0]!.settings.update(ctxFor(channel), { queueLimit: limit });
    for (let i = 0; i < alreadyLive; i += 1)
      await world.instances[0]!.tasks.create(ctxFor(channel), { title: `Live ${i}` });
    return channel;
  };

  /** Fires 200 creates at once from both instances; every one either creates or is refused with the limit. */
  const race = async (channel: string) => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        world.instances[i % 2]!.tasks.create(ctxFor(channel, userId(i)), { title: `Racer ${i}` }),
      ),
    );
    const unexpected = outcomes.filter(
      (outcome) => outcome.status === "rejected" && !(outcome.reason instanceof QueueLimitError),
    );
    expect(unexpected).toEqual([]);
    return outcomes.filter((outcome) => outcome.status === "fulfilled").length;
  };

  const gate = () => world.instances[1]!.cache.gate;

  it("an empty channel ends with exactly 10 live tasks and a counter of 10", async () => {
    const channel = await limitedChannel(10, 0);
    expect(await race(channel)).toBe(10);
    expect(await liveInPostgres(channel)).toBe(10);
    expect(await gate().peek(channel)).toBe(10);
  });

  it("a counter wrongly set to 0 in Redis still lets exactly 10 live, and is repaired", async () => {
    const channel = await limitedChannel(10, 4);
    expect(await gate().peek(channel)).toBe(4);
    await admin.set(`${world.prefix}gate:${channel}`, "0");
    expect(await gate().peek(channel)).toBe(0);
    expect(await race(channel)).toBe(6);
    expect(await liveInPostgres(channel)).toBe(10);
    expect(await gate().peek(channel)).toBe(10);
    expect(await checkGateDrift(world.instances[0]!.database, gate(), { channelIds: [channel] })).toEqual([]);
  });

  it("a full channel whose counter says 0 creates nothing, and the counter is repaired", async () => {
    const channel = await limitedChannel(10, 10);
    await admin.set(`${world.prefix}gate:${channel}`, "0");
    expect(await gate().peek(channel)).toBe(0);
    expect(await race(channel)).toBe(0);
    expect(await liveInPostgres(channel)).toBe(10);
    expect(await gate().peek(channel)).toBe(10);
  });

  it("a lost counter (flushed Redis) is rebuilt by the next creates", async () => {
    const channel = await limitedChannel(10, 3);
    await admin.del(`${world.prefix}gate:${channel}`);
    expect(await race(channel)).toBe(7);
    expect(await liveInPostgres(channel)).toBe(10);
    expect(await gate().peek(channel)).toBe(10);
  });

  it("finishing a task frees exactly one slot, on either instance", async () => {
    const channel = await limitedChannel(3, 3);
    const queue = await world.instances[0]!.tasks.queue(systemReader("100000000000000001"), channel);
    await world.instances[0]!.tasks.transition(ctxFor(channel), {
      number: queue.items[0]!.number,
      action: "cancel",
      text: "not needed",
    });
    expect(await gate().peek(channel)).toBe(2);
    expect(await race(channel)).toBe(1);
    expect(await liveInPostgres(channel)).toBe(3);
  });
});
