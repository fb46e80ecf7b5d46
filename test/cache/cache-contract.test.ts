import { afterEach, describe, expect, it } from "vitest";
import { createCache } from "../../src/cache/create-cache.ts";
import type { Cache, Signal } from "../../src/cache/types.ts";
import { silentLogger } from "../../src/log.ts";
import { testRedisUrl, uniqueRedisPrefix } from "../support/test-db.ts";
import { PATIENT_TIMEOUTS } from "./patient-timeouts.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Limit = { capacity: number; windowSeconds: number };
type Options = { rateLimit?: Limit; readRateLimit?: Limit; gateTtlSeconds?: number };

const implementations: [string, (options?: Options) => Promise<Cache>][] = [
  ["memory", (options) => createCache({ log: silentLogger, ...options })],
  [
    "redis",
    (options) =>
      createCache({
        redisUrl: testRedisUrl(),
        keyPrefix: uniqueRedisPrefix(),
        timeouts: PATIENT_TIMEOUTS,
        log: silentLogger,
        ...options,
      }),
  ],
];

describe.each(implementations)("%s cache", (kind, make) => {
  const opened: Cache[] = [];
  const open = async (options?: Options) => {
    const cache = await make(options);
    opened.push(cache);
    return cache;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((cache) => cache.close()));
  });

  it("reports its kind and starts available", async () => {
    const cache = await open();
    expect(cache.kind).toBe(kind);
    expect(cache.metrics().available).toBe(true);
  });

  describe("views", () => {
    it("returns what was set, as a copy the caller can't use to change the cache", async () => {
      const cache = await open();
      await cache.views.set("task:1:7", { title: "Ship it", labels: ["a"] }, 60);
      const first = await cache.views.get<{ title: string; labels: string[] }>("task:1:7");
      expect(first).toEqual({ title: "Ship it", labels: ["a"] });
      first!.labels.push("mutated");
      expect(await cache.views.get("task:1:7")).toEqual({ title: "Ship it", labels: ["a"] });
      expect(await cache.views.get("task:1:8")).toBeUndefined();
      expect(cache.metrics()).toMatchObject({ hits: 2, misses: 1 });
    });

    it("deletes several keys at once, absent ones included", async () => {
      const cache = await open();
      await cache.views.set("a", 1, 60);
      await cache.views.set("b", 2, 60);
      await cache.views.set("c", 3, 60);
      await cache.views.del(["a", "b", "never-set"]);
      await cache.views.del([]);
      expect(await cache.views.get("a")).toBeUndefined();
      expect(await cache.views.get("b")).toBeUndefined();
      expect(await cache.views.get("c")).toBe(3);
    });

    it("overwrites a value and forgets it after its TTL", async () => {
      const cache = await open();
      await cache.views.set("k", { v: 1 }, 60);
      await cache.views.set("k", { v: 2 }, 1);
      expect(await cache.views.get("k")).toEqual({ v: 2 });
      await sleep(1_100);
      expect(await cache.views.get("k")).toBeUndefined();
    });
    it("refuses to store a copy read before a write whose delete came after the read began", async () => {
      const cache = await open();
      expect(await cache.views.get("task:1:9")).toBeUndefined();
      await cache.views.del(["task:1:9"]);
      await cache.views.set("task:1:9", { status: "open" }, 60);
      expect(await cache.views.get("task:1:9")).toBeUndefined();
      await cache.views.set("task:1:9", { status: "in_progress" }, 60);
      expect(await cache.views.get("task:1:9")).toEqual({ status: "in_progress" });
    });

    it("stays warm through write, read, write, read", async () => {
      const cache = await open();
      for (const status of ["open", "in_progress", "in_review", "done"]) {
        await cache.views.del(["task:1:3"]);
        expect(await cache.views.get("task:1:3")).toBeUndefined();
        await cache.views.set("task:1:3", { status }, 60);
        expect(await cache.views.get("task:1:3")).toEqual({ status });
      }
    });

    it("stores a write's fresh value as it deletes the keys, so the next read is a hit", async () => {
      const cache = await open();
      await cache.views.set("task:2:1", { status: "open", version: 1 }, 60);
      await cache.views.set("queue:2:c", ["#1"], 60);
      const mark = await cache.views.mark();
      expect(mark).toMatchObject({ stamp: expect.any(Number), generation: expect.any(Number) });
      const fresh = {
        key: "task:2:1",
        value: { status: "in_progress", version: 2 },
        ttlSeconds: 60,
        mark: mark!,
      };
      await cache.views.del(["task:2:1", "queue:2:c"], [fresh]);
      expect(await cache.views.get("task:2:1")).toEqual({ status: "in_progress", version: 2 });
      expect(await cache.views.get("queue:2:c")).toBeUndefined();
    });

    it("never stores a fresh value over a change whose delete came after its mark", async () => {
      const cache = await open();
      // Writer A marks, then B commits a later change and deletes, then A's effects arrive late.
      const markA = await cache.views.mark();
      await cache.views.del(["task:2:2"]);
      await cache.views.del(
        ["task:2:2"],
        [{ key: "task:2:2", value: { version: 1 }, ttlSeconds: 60, mark: markA! }],
      );
      expect(await cache.views.get("task:2:2")).toBeUndefined();
      // A reader now stores what Postgres says (B's version): nothing of A's late value is left to undo it.
      await cache.views.set("task:2:2", { version: 2 }, 60);
      expect(await cache.views.get("task:2:2")).toEqual({ version: 2 });
      // B's own fresh value (marked before its write, after A's) is stored; A's, later still, is not.
      const markB = await cache.views.mark();
      await cache.views.del(
        ["task:2:3"],
        [{ key: "task:2:3", value: { version: 2 }, ttlSeconds: 60, mark: markB! }],
      );
      await cache.views.del(
        ["task:2:3"],
        [{ key: "task:2:3", value: { version: 1 }, ttlSeconds: 60, mark: markA! }],
      );
      expect(await cache.views.get("task:2:3")).toBeUndefined();
    });

    it("a delete returns the mark it leaves: a later write's value is stored unless its key is deleted after it", async () => {
      const cache = await open();
      expect(await cache.views.del([])).toBeUndefined();
      const left = await cache.views.del(["task:4:1", "task:4:2"]);
      expect(left).toEqual(await cache.views.mark());
      // Taken after its own delete: the next write of that same key stores its value.
      await cache.views.del(
        ["task:4:1"],
        [{ key: "task:4:1", value: { version: 2 }, ttlSeconds: 60, mark: left! }],
      );
      expect(await cache.views.get("task:4:1")).toEqual({ version: 2 });
      // Any delete of the key after it out-ranks it, as it would a mark() taken at that moment.
      await cache.views.del(["task:4:2"]);
      await cache.views.del(
        ["task:4:2"],
        [{ key: "task:4:2", value: { version: 1 }, ttlSeconds: 60, mark: left! }],
      );
      expect(await cache.views.get("task:4:2")).toBeUndefined();
    });

    it("a new row's fresh value (markNew) is stored unless its key was deleted at all since", async () => {
      const cache = await open();
      await cache.views.del(["task:3:0"]); // other keys' deletes do not matter
      const created = { key: "task:3:1", value: { version: 1 }, ttlSeconds: 60, mark: cache.views.markNew() };
      await cache.views.del(["task:3:1", "queue:3:c"], [created]);
      expect(await cache.views.get("task:3:1")).toEqual({ version: 1 });
      // Created, then changed by someone else whose delete landed first: the create's value is stale.
      const late = { key: "task:3:2", value: { version: 1 }, ttlSeconds: 60, mark: cache.views.markNew() };
      await cache.views.del(["task:3:2"]);
      await cache.views.del(["task:3:2"], [late]);
      expect(await cache.views.get("task:3:2")).toBeUndefined();
    });

    it("lets many concurrent readers of one key store it when nothing changed", async () => {
      const cache = await open();
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          if ((await cache.views.get("hot")) === undefined) await cache.views.set("hot", { n: 1 }, 60);
        }),
      );
      expect(await cache.views.get("hot")).toEqual({ n: 1 });
    });
  });

  describe("gate", () => {
    it("knows nothing about a channel until seeded, and reserve/release/add never create a counter", async () => {
      const cache = await open();
      expect(await cache.gate.reserve("ch", 10)).toEqual({ kind: "unknown" });
      await cache.gate.release("ch");
      await cache.gate.add("ch");
      expect(await cache.gate.peek("ch")).toBeUndefined();
      expect(await cache.gate.reserve("ch", 10)).toEqual({ kind: "unknown" });
    });

    it("reserves exactly up to the limit under 200 concurrent reserves", async () => {
      const cache = await open();
      await cache.gate.seed("ch", 0);
      const decisions = await Promise.all(Array.from({ length: 200 }, () => cache.gate.reserve("ch", 10)));
      expect(decisions.filter((d) => d.kind === "reserved")).toHaveLength(10);
      const refused = decisions.filter((d) => d.kind === "refused");
      expect(refused).toHaveLength(190);
      expect(refused[0]).toEqual({ kind: "refused", count: 10, limit: 10 });
      expect(await cache.gate.peek("ch")).toBe(10);
      expect(cache.metrics().gateRefusals).toBe(190);
    });

    it("counts from the seeded value: 3 live of 10 leaves 7 slots", async () => {
      const cache = await open();
      await cache.gate.seed("ch", 3);
      const decisions = await Promise.all(Array.from({ length: 20 }, () => cache.gate.reserve("ch", 10)));
      expect(decisions.filter((d) => d.kind === "reserved")).toHaveLength(7);
    });

    it("frees a slot on release, takes one on add, and never goes below zero", async () => {
      const cache = await open();
      await cache.gate.seed("ch", 2);
      expect(await cache.gate.reserve("ch", 2)).toEqual({ kind: "refused", count: 2, limit: 2 });
      await cache.gate.release("ch");
      expect(await cache.gate.reserve("ch", 2)).toEqual({ kind: "reserved" });
      await cache.gate.add("ch");
      expect(await cache.gate.peek("ch")).toBe(3);
      await Promise.all(Array.from({ length: 50 }, () => cache.gate.release("ch")));
      expect(await cache.gate.peek("ch")).toBe(0);
    });

    it("seed overwrites a wrong counter (repair)", async () => {
      const cache = await open();
      await cache.gate.seed("ch", 9);
      await cache.gate.seed("ch", 4);
      expect(await cache.gate.peek("ch")).toBe(4);
    });

    it("keeps channels apart", async () => {
      const cache = await open();
      await cache.gate.seed("full", 5);
      await cache.gate.seed("empty", 0);
      expect((await cache.gate.reserve("full", 5)).kind).toBe("refused");
      expect((await cache.gate.reserve("empty", 5)).kind).toBe("reserved");
    });

    it("forgets a counter after its TTL so it is rebuilt from Postgres", async () => {
      const cache = await open({ gateTtlSeconds: 1 });
      await cache.gate.seed("ch", 1);
      await cache.gate.reserve("ch", 5);
      await sleep(1_100);
      expect(await cache.gate.peek("ch")).toBeUndefined();
      expect(await cache.gate.reserve("ch", 5)).toEqual({ kind: "unknown" });
    });
  });

  describe("rate limiter", () => {
    it("refuses the 11th write in 10 s with a retry time; another user is unaffected", async () => {
      const cache = await open({ rateLimit: { capacity: 10, windowSeconds: 10 } });
      const takes = [];
      for (let i = 0; i < 11; i += 1) takes.push(await cache.rateLimiter.take("g:alice"));
      expect(takes.slice(0, 10).every((t) => t.allowed)).toBe(true);
      const eleventh = takes[10]!;
      expect(eleventh.allowed).toBe(false);
      if (!eleventh.allowed) {
        expect(eleventh.retryAfterMs).toBeGreaterThan(0);
        expect(eleventh.retryAfterMs).toBeLessThanOrEqual(1_000);
      }
      expect(await cache.rateLimiter.take("g:bob")).toEqual({ allowed: true });
    });

    it("refills with time", async () => {
      const cache = await open({ rateLimit: { capacity: 2, windowSeconds: 1 } });
      await cache.rateLimiter.take("k");
      await cache.rateLimiter.take("k");
      const refused = await cache.rateLimiter.take("k");
      expect(refused.allowed).toBe(false);
      await sleep(refused.allowed ? 0 : refused.retryAfterMs + 20);
      expect(await cache.rateLimiter.take("k")).toEqual({ allowed: true });
    });

    it("reads have a bucket of their own: spent writes leave reads alone, and reads run out at their own size", async () => {
      const cache = await open({
        rateLimit: { capacity: 2, windowSeconds: 60 },
        readRateLimit: { capacity: 5, windowSeconds: 60 },
      });
      for (let i = 0; i < 2; i += 1) expect((await cache.rateLimiter.take("g:alice")).allowed).toBe(true);
      expect((await cache.rateLimiter.take("g:alice")).allowed).toBe(false);
      const reads = [];
      for (let i = 0; i < 6; i += 1) reads.push((await cache.readRateLimiter.take("g:alice")).allowed);
      expect(reads).toEqual([true, true, true, true, true, false]);
      expect((await cache.readRateLimiter.take("g:bob")).allowed).toBe(true);
    });
  });

  describe("named buckets", () => {
    it("each name has its own capacity, apart from the rate limiters and from other names", async () => {
      const cache = await open({ rateLimit: { capacity: 1, windowSeconds: 60 } });
      const budget = cache.buckets("agent-commands", { capacity: 3, windowSeconds: 60 });
      const other = cache.buckets("other", { capacity: 1, windowSeconds: 60 });
      const takes = [];
      for (let i = 0; i < 4; i += 1) takes.push((await budget.take("g:bot")).allowed);
      expect(takes).toEqual([true, true, true, false]);
      expect((await other.take("g:bot")).allowed).toBe(true);
      expect((await cache.rateLimiter.take("g:bot")).allowed).toBe(true);
      expect((await budget.take("g:another-bot")).allowed).toBe(true);
    });
  });

  describe("signals", () => {
    it("delivers to every subscriber until it unsubscribes, even when one handler throws", async () => {
      const cache = await open();
      const seen: Signal[] = [];
      cache.signals.subscribe(() => {
        throw new Error("a broken handler");
      });
      const unsubscribe = cache.signals.subscribe((signal) => seen.push(signal));
      const changed: Signal = { type: "task_changed", guildId: "1", taskId: 5, number: 2 };
      await cache.signals.publish(changed);
      unsubscribe();
      await cache.signals.publish({ type: "outbox_ready" });
      await sleep(50);
      expect(seen).toEqual([changed]);
    });
  });
});
