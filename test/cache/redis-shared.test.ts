import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRedisCache, type RedisCacheOptions } from "../../src/cache/redis-cache.ts";
import type { Cache, Signal } from "../../src/cache/types.ts";
import { silentLogger } from "../../src/log.ts";
import { testRedisUrl, uniqueRedisPrefix } from "../support/test-db.ts";
import { PATIENT_TIMEOUTS } from "./patient-timeouts.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("two instances sharing one Redis", () => {
  let admin: Redis;
  const opened: Cache[] = [];
  const open = async (keyPrefix: string, options: Partial<RedisCacheOptions> = {}) => {
    const cache = await createRedisCache({
      url: testRedisUrl(),
      keyPrefix,
      log: silentLogger,
      timeouts: PATIENT_TIMEOUTS,
      ...options,
    });
    opened.push(cache);
    return cache;
  };
  const pair = async () => {
    const prefix = uniqueRedisPrefix();
    return [await open(prefix), await open(prefix), prefix] as const;
  };

  beforeAll(() => {
    admin = new Redis(testRedisUrl());
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((cache) => cache.close()));
  });
  afterAll(() => admin.disconnect());

  it("see each other's writes and deletes", async () => {
    const [a, b] = await pair();
    await a.views.set("task:1:1", { status: "open" }, 60);
    expect(await b.views.get("task:1:1")).toEqual({ status: "open" });
    await b.views.del(["task:1:1"]);
    expect(await a.views.get("task:1:1")).toBeUndefined();
  });

  it("a reader on one instance cannot store a copy made stale by a write on the other", async () => {
    const [reader, writer] = await pair();
    expect(await reader.views.get("task:1:2")).toBeUndefined();
    await writer.views.del(["task:1:2"]);
    await reader.views.set("task:1:2", { status: "open" }, 60);
    expect(await writer.views.get("task:1:2")).toBeUndefined();
  });

  it("never read entries of another schema version, stored under versioned keys", async () => {
    const prefix = uniqueRedisPrefix();
    const v1 = await open(prefix, { schemaVersion: 1 });
    const v2 = await open(prefix, { schemaVersion: 2 });
    await v1.views.set("task:1:1", { shape: "old" }, 60);
    expect(await v2.views.get("task:1:1")).toBeUndefined();
    await v2.views.set("task:1:1", { shape: "new" }, 60);
    expect(await v1.views.get("task:1:1")).toEqual({ shape: "old" });
    expect(await admin.get(`${prefix}v1:view:task:1:1`)).toBe(JSON.stringify({ shape: "old" }));
    expect(await admin.ttl(`${prefix}v2:view:task:1:1`)).toBeGreaterThan(50);
  });

  it("share one gate: 200 reserves split across instances reserve exactly the limit", async () => {
    const [a, b] = await pair();
    await a.gate.seed("ch", 0);
    const decisions = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).gate.reserve("ch", 10)),
    );
    expect(decisions.filter((d) => d.kind === "reserved")).toHaveLength(10);
    expect(await b.gate.peek("ch")).toBe(10);
  });

  it("share one rate limit per key", async () => {
    const [a, b] = await pair();
    for (let i = 0; i < 5; i += 1) {
      expect((await a.rateLimiter.take("g:u")).allowed).toBe(true);
      expect((await b.rateLimiter.take("g:u")).allowed).toBe(true);
    }
    expect((await a.rateLimiter.take("g:u")).allowed).toBe(false);
    expect((await b.rateLimiter.take("g:u")).allowed).toBe(false);
  });

  it("pass signals to each other, and the publisher's own handlers get them once", async () => {
    const [a, b] = await pair();
    const onA: Signal[] = [];
    const onB: Signal[] = [];
    a.signals.subscribe((signal) => onA.push(signal));
    b.signals.subscribe((signal) => onB.push(signal));
    const changed: Signal = { type: "task_changed", guildId: "42", taskId: 9, number: 3 };
    await a.signals.publish(changed);
    await b.signals.publish({ type: "outbox_ready" });
    await expect.poll(() => onB.length).toBe(2);
    await expect.poll(() => onA.length).toBe(2);
    await sleep(100);
    expect(onA).toEqual([changed, { type: "outbox_ready" }]);
    expect(onB).toHaveLength(2);
    expect(onB).toEqual(expect.arrayContaining([changed, { type: "outbox_ready" }]));
  });

  it("ignore messages on the signal channel that are not signals", async () => {
    const [a, , prefix] = await pair();
    const seen: Signal[] = [];
    a.signals.subscribe((signal) => seen.push(signal));
    await admin.publish(`${prefix}signals`, "not json");
    await admin.publish(`${prefix}signals`, JSON.stringify({ origin: "x", signal: { type: "drop_tables" } }));
    await admin.publish(
      `${prefix}signals`,
      JSON.stringify({ origin: "x", signal: { type: "outbox_ready" } }),
    );
    await expect.poll(() => seen).toEqual([{ type: "outbox_ready" }]);
  });

  it("keep working after Redis forgets the Lua scripts", async () => {
    const [a] = await pair();
    await a.gate.seed("ch", 0);
    await a.gate.reserve("ch", 2);
    await admin.script("FLUSH");
    expect(await a.gate.reserve("ch", 2)).toEqual({ kind: "reserved" });
    expect(await a.gate.reserve("ch", 2)).toEqual({ kind: "refused", count: 2, limit: 2 });
    expect((await a.rateLimiter.take("k")).allowed).toBe(true);
    expect(a.metrics().errors).toBe(0);
  });

  it("treat a counter that is not a number as absent and drop it", async () => {
    const [a, , prefix] = await pair();
    await admin.set(`${prefix}gate:ch`, "garbage");
    expect(await a.gate.reserve("ch", 5)).toEqual({ kind: "unknown" });
    expect(await admin.exists(`${prefix}gate:ch`)).toBe(0);
  });
});
