import { afterEach, describe, expect, it } from "vitest";
import { createRedisCache, type RedisCacheOptions } from "../../src/cache/redis-cache.ts";
import { DEFAULT_REDIS_TIMEOUTS } from "../../src/cache/redis-client.ts";
import type { Cache } from "../../src/cache/types.ts";
import { silentLogger } from "../../src/log.ts";
import { testRedisUrl, uniqueRedisPrefix } from "../support/test-db.ts";
import { captureLog } from "./captured-log.ts";
import { PATIENT_TIMEOUTS } from "./patient-timeouts.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

const UNAVAILABLE = "redis unavailable, serving from Postgres";

/** Instance A reaches the shared Redis through a proxy the test can cut or stall; B connects directly. */
describe("one instance losing its network to a Redis that keeps running", () => {
  const opened: Cache[] = [];
  const proxies: TcpProxy[] = [];
  const open = async (options: Partial<RedisCacheOptions> & { url: string; keyPrefix: string }) => {
    const cache = await createRedisCache({ log: silentLogger, ...options });
    opened.push(cache);
    return cache;
  };
  const setUp = async (options: Partial<RedisCacheOptions> = {}) => {
    const target = new URL(testRedisUrl());
    const proxy = await startTcpProxy(target.hostname, Number(target.port));
    proxies.push(proxy);
    const keyPrefix = uniqueRedisPrefix();
    const a = await open({ url: proxy.url, keyPrefix, timeouts: PATIENT_TIMEOUTS, ...options });
    const b = await open({ url: testRedisUrl(), keyPrefix, timeouts: PATIENT_TIMEOUTS });
    return { proxy, a, b };
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((cache) => cache.close()));
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  });

  it("deletes the entries it could not invalidate before it reads from Redis again", async () => {
    const { proxy, a, b } = await setUp();
    await b.views.set("task:1:1", { status: "open" }, 600);
    expect(await a.views.get("task:1:1")).toEqual({ status: "open" });

    proxy.cut();
    await a.views.del(["task:1:1"]);
    expect(await a.views.get("task:1:1")).toBeUndefined();

    proxy.heal();
    await expect.poll(() => a.metrics().available, { timeout: 5_000 }).toBe(true);
    expect(await a.views.get("task:1:1")).toBeUndefined();
    expect(await b.views.get("task:1:1")).toBeUndefined();
  }, 10_000);

  it("a read begun before the cut cannot store its copy after a write during the cut", async () => {
    const { proxy, a, b } = await setUp();
    expect(await a.views.get("task:1:4")).toBeUndefined();
    proxy.cut();
    await a.views.del(["task:1:4"]);
    proxy.heal();
    await expect.poll(() => a.metrics().available, { timeout: 5_000 }).toBe(true);
    await a.views.set("task:1:4", { status: "before the write" }, 60);
    expect(await b.views.get("task:1:4")).toBeUndefined();
  }, 10_000);

  it("drops a gate counter it may have missed an update to, so it is rebuilt from Postgres", async () => {
    const { proxy, a, b } = await setUp();
    await b.gate.seed("ch", 5);
    proxy.cut();
    await a.gate.release("ch");
    expect(await b.gate.peek("ch")).toBe(5);
    proxy.heal();
    await expect.poll(() => a.metrics().available, { timeout: 5_000 }).toBe(true);
    expect(await b.gate.peek("ch")).toBeUndefined();
    expect(await b.gate.reserve("ch", 10)).toEqual({ kind: "unknown" });
  }, 10_000);

  it("a stalled Redis costs at most the command timeout, and nothing once the breaker opens", async () => {
    const { log, messages } = captureLog();
    // The production timeouts: this test is about them.
    const { proxy, a, b } = await setUp({ log, timeouts: DEFAULT_REDIS_TIMEOUTS });
    await b.views.set("task:1:1", { status: "open" }, 600);

    proxy.stall();
    const timings: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      expect(await a.views.get("task:1:1")).toBeUndefined();
      timings.push(performance.now() - started);
    }
    // The first three wait for the 100 ms command timeout (not forever: a hang would end the test at
    // its own timeout); then the breaker is open and the other seventeen never reach Redis, so only
    // three errors are counted. No upper bound on a timing: this machine may be loaded.
    expect(Math.min(...timings.slice(0, 3))).toBeGreaterThanOrEqual(90);
    expect(messages("warn")).toEqual([UNAVAILABLE]);
    expect(a.metrics()).toMatchObject({ available: false, errors: 3 });

    proxy.heal();
    await expect.poll(() => a.metrics().available, { timeout: 5_000 }).toBe(true);
    expect(await a.views.get("task:1:1")).toEqual({ status: "open" });
    expect(messages("warn")).toEqual([UNAVAILABLE]);
  }, 10_000);
});
