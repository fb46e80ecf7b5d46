import { afterEach, describe, expect, it } from "vitest";
import { createCache } from "../../src/cache/create-cache.ts";
import type { Cache } from "../../src/cache/types.ts";
import { createMetricsRegistry, registerCacheMetrics } from "../../src/http/metrics.ts";
import { type HttpServer, startHttpServer } from "../../src/http/server.ts";
import { silentLogger } from "../../src/log.ts";
import { testRedisUrl, uniqueRedisPrefix } from "../support/test-db.ts";

describe("cache metrics on the metrics endpoint", () => {
  const closing: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(closing.splice(0).map((thing) => thing.close()));
  });

  const scrape = async (cache: Cache) => {
    const registry = createMetricsRegistry();
    registerCacheMetrics(registry, cache);
    const server: HttpServer = await startHttpServer({
      port: 0,
      host: "127.0.0.1",
      log: silentLogger,
      health: async () => ({ ok: true, checks: {} }),
      metrics: registry,
    });
    closing.push(server);
    return async () => (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
  };

  it("counts hits, misses and gate refusals of the Redis cache", async () => {
    const cache = await createCache({
      redisUrl: testRedisUrl(),
      keyPrefix: uniqueRedisPrefix(),
      log: silentLogger,
    });
    closing.push(cache);
    const read = await scrape(cache);
    await cache.views.set("a", 1, 60);
    await cache.views.get("a");
    await cache.views.get("a");
    await cache.views.get("b");
    await cache.gate.seed("ch", 1);
    await cache.gate.reserve("ch", 1);
    const text = await read();
    expect(text).toContain('tasklane_cache_hits_total{kind="redis"} 2');
    expect(text).toContain('tasklane_cache_misses_total{kind="redis"} 1');
    expect(text).toContain('tasklane_cache_gate_refusals_total{kind="redis"} 1');
    expect(text).toContain('tasklane_cache_errors_total{kind="redis"} 0');
    expect(text).toContain('tasklane_cache_available{kind="redis"} 1');
    expect(text).toContain("tasklane_process_cpu_seconds_total");
    await cache.views.get("a");
    expect(await read()).toContain('tasklane_cache_hits_total{kind="redis"} 3');
  });

  it("shows an unreachable Redis as unavailable with its fallbacks", async () => {
    const cache = await createCache({
      redisUrl: "redis://127.0.0.1:1",
      log: silentLogger,
      startupWaitMs: 100,
    });
    closing.push(cache);
    const read = await scrape(cache);
    await cache.views.get("a");
    await cache.rateLimiter.take("u");
    const text = await read();
    expect(text).toContain('tasklane_cache_available{kind="redis"} 0');
    expect(text).toContain('tasklane_cache_fallbacks_total{kind="redis"} 2');
    expect(text).toContain('tasklane_cache_misses_total{kind="redis"} 1');
  });

  it("reports the in-process cache too", async () => {
    const cache = await createCache({ log: silentLogger });
    const read = await scrape(cache);
    await cache.views.get("nothing");
    const text = await read();
    expect(text).toContain('tasklane_cache_misses_total{kind="memory"} 1');
    expect(text).toContain('tasklane_cache_available{kind="memory"} 1');
  });
});
