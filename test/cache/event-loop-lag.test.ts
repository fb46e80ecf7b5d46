import { afterEach, describe, expect, it } from "vitest";
import { createRedisCache } from "../../src/cache/redis-cache.ts";
import { DEFAULT_REDIS_TIMEOUTS } from "../../src/cache/redis-client.ts";
import type { Cache } from "../../src/cache/types.ts";
import { silentLogger } from "../../src/log.ts";
import { testRedisUrl, uniqueRedisPrefix } from "../support/test-db.ts";

/** Keeps this process's event loop busy (a burst of work), as an overloaded bot's would be. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spinning on purpose
  }
}

describe("a busy event loop in this process", () => {
  const opened: Cache[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((cache) => cache.close()));
  });

  it("is not blamed on Redis: answers that arrived while the loop was busy are read, not timed out", async () => {
    // The production timeouts: a loop stalled past the 100 ms command timeout is what this is about.
    const cache = await createRedisCache({
      url: testRedisUrl(),
      keyPrefix: uniqueRedisPrefix(),
      log: silentLogger,
      timeouts: DEFAULT_REDIS_TIMEOUTS,
    });
    opened.push(cache);
    await cache.views.set("task:1:1", { status: "open" }, 600);

    for (let round = 0; round < 5; round += 1) {
      const reads = [cache.views.get("task:1:1"), cache.views.get("task:1:1")];
      busyFor(DEFAULT_REDIS_TIMEOUTS.commandTimeoutMs * 3);
      expect(await Promise.all(reads)).toEqual([{ status: "open" }, { status: "open" }]);
    }
    expect(cache.metrics()).toMatchObject({ available: true, errors: 0, fallbacks: 0, hits: 10 });
  });
});
