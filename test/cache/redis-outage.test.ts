import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRedisCache, type RedisCacheOptions } from "../../src/cache/redis-cache.ts";
import type { Cache, Signal } from "../../src/cache/types.ts";
import { silentLogger } from "../../src/log.ts";
import { type LocalServer, startLocalRedis } from "../support/servers.ts";
import { uniqueRedisPrefix } from "../support/test-db.ts";
import { captureLog } from "./captured-log.ts";
import { PATIENT_TIMEOUTS } from "./patient-timeouts.ts";

const UNAVAILABLE = "redis unavailable, serving from Postgres";
const RECOVERED = "redis available again, cache resumed";

/** Runs every cache method once and returns the slowest call in ms with what each answered. */
async function everyCall(cache: Cache, round: number) {
  const answers: Record<string, unknown> = {};
  let slowest = 0;
  const time = async (name: string, call: () => Promise<unknown>) => {
    const started = performance.now();
    answers[name] = await call();
    slowest = Math.max(slowest, performance.now() - started);
  };
  await time("get", () => cache.views.get("task:1:1"));
  await time("set", () => cache.views.set("task:1:1", { round }, 60));
  await time("del", () => cache.views.del([`task:1:${round}`]));
  await time("reserve", () => cache.gate.reserve("ch", 10));
  await time("release", () => cache.gate.release("ch"));
  await time("add", () => cache.gate.add("ch"));
  await time("seed", () => cache.gate.seed("ch", 3));
  await time("peek", () => cache.gate.peek("ch"));
  await time("take", () => cache.rateLimiter.take(`user:${round}`));
  await time("publish", () => cache.signals.publish({ type: "outbox_ready" }));
  return { slowest, answers };
}

describe("Redis going away", () => {
  let server: LocalServer;
  let killed = false;
  const kill = async () => {
    killed = true;
    await server.kill();
  };
  const restart = async () => {
    await server.restart();
    killed = false;
  };
  const opened: Cache[] = [];
  const open = async (options: Partial<RedisCacheOptions> & { keyPrefix: string }) => {
    const cache = await createRedisCache({
      url: server.url,
      log: silentLogger,
      timeouts: PATIENT_TIMEOUTS,
      ...options,
    });
    opened.push(cache);
    return cache;
  };

  beforeAll(async () => {
    server = await startLocalRedis();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((cache) => cache.close()));
    if (killed) await restart();
  });
  afterAll(() => server.stop());

  it("when killed: every call answers within 200 ms, one warning; restarted: it all comes back by itself", async () => {
    const { log, messages } = captureLog();
    const prefix = uniqueRedisPrefix();
    const a = await open({ keyPrefix: prefix, log, rateLimit: { capacity: 10, windowSeconds: 10 } });
    const b = await open({ keyPrefix: prefix });
    const onB: Signal[] = [];
    b.signals.subscribe((signal) => onB.push(signal));
    await a.views.set("task:1:1", { title: "warm" }, 60);
    await a.gate.seed("ch", 3);
    expect(await b.views.get("task:1:1")).toEqual({ title: "warm" });

    await kill();
    let slowest = 0;
    const deadline = Date.now() + 2_500;
    for (let round = 0; Date.now() < deadline; round += 1) {
      const result = await everyCall(a, round);
      slowest = Math.max(slowest, result.slowest);
      expect(result.answers).toMatchObject({
        get: undefined,
        reserve: { kind: "unknown" },
        peek: undefined,
        take: { allowed: true },
      });
    }
    expect(slowest).toBeLessThan(200);
    console.info(`slowest call with redis dead: ${slowest.toFixed(2)} ms`);
    expect(a.metrics().available).toBe(false);
    expect(a.metrics().fallbacks).toBeGreaterThan(100);

    const local = [];
    for (let i = 0; i < 11; i += 1) local.push(await a.rateLimiter.take("g:alice"));
    expect(local.filter((take) => take.allowed)).toHaveLength(10);
    expect(local[10]).toMatchObject({ allowed: false });

    expect(messages("warn")).toEqual([UNAVAILABLE]);

    await restart();
    await expect.poll(() => a.metrics().available && b.metrics().available, { timeout: 5_000 }).toBe(true);
    await a.views.set("task:1:1", { title: "after restart" }, 60);
    expect(await b.views.get("task:1:1")).toEqual({ title: "after restart" });
    const hitsBefore = b.metrics().hits;
    expect(await b.views.get("task:1:1")).toEqual({ title: "after restart" });
    expect(b.metrics().hits).toBe(hitsBefore + 1);

    // Pub/sub keeps nothing for a subscriber that is still reconnecting, so publish until one lands.
    onB.length = 0;
    const changed: Signal = { type: "task_changed", guildId: "1", taskId: 1, number: 1 };
    await expect
      .poll(
        async () => {
          await a.signals.publish(changed);
          return onB.length > 0;
        },
        { timeout: 5_000, interval: 100 },
      )
      .toBe(true);
    expect(onB[0]).toEqual(changed);

    expect(await a.gate.reserve("ch", 10)).toEqual({ kind: "unknown" });
    await a.gate.seed("ch", 4);
    expect(await b.gate.reserve("ch", 5)).toEqual({ kind: "reserved" });
    expect(await b.gate.reserve("ch", 5)).toMatchObject({ kind: "refused", count: 5 });

    expect(messages("warn")).toEqual([UNAVAILABLE]);
    expect(messages("info").filter((msg) => msg === RECOVERED)).toHaveLength(1);
  }, 20_000);

  it("starts degraded when Redis is down at start-up, and comes back when Redis does", async () => {
    const { log, messages } = captureLog();
    await kill();
    const started = performance.now();
    const cache = await open({ keyPrefix: uniqueRedisPrefix(), log, startupWaitMs: 300 });
    expect(performance.now() - started).toBeLessThan(600);
    expect(cache.metrics().available).toBe(false);
    expect(await cache.views.get("x")).toBeUndefined();
    expect(messages("warn")).toEqual([UNAVAILABLE]);

    await restart();
    await expect.poll(() => cache.metrics().available, { timeout: 5_000 }).toBe(true);
    // The read that began during the outage may hold a copy older than a write it could not see.
    await cache.views.set("x", "read during the outage", 60);
    expect(await cache.views.get("x")).toBeUndefined();
    await cache.views.set("x", 1, 60);
    expect(await cache.views.get("x")).toBe(1);
    expect(messages("warn")).toEqual([UNAVAILABLE]);
  }, 15_000);

  it("a Redis restored from an older snapshot does not bring stale entries back", async () => {
    const prefix = uniqueRedisPrefix();
    const cache = await open({ keyPrefix: prefix });
    await cache.views.set("task:1:1", { status: "open" }, 600);
    await cache.gate.seed("ch", 7);
    const admin = new Redis(server.url);
    await admin.save();
    admin.disconnect();
    await cache.views.del(["task:1:1"]);
    await cache.gate.seed("ch", 2);

    await kill();
    await restart();
    await expect.poll(() => cache.metrics().available, { timeout: 5_000 }).toBe(true);
    expect(await cache.views.get("task:1:1")).toBeUndefined();
    expect(await cache.gate.peek("ch")).toBeUndefined();
  }, 15_000);
});
