import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCache } from "../../src/cache/create-cache.ts";
import type { Cache } from "../../src/cache/types.ts";
import { checkHealth } from "../../src/http/health.ts";
import { type HealthReport, type HttpServer, startHttpServer } from "../../src/http/server.ts";
import { silentLogger } from "../../src/log.ts";
import { createHealthService } from "../../src/services/health.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { type LocalServer, startLocalRedis } from "../support/servers.ts";

describe("GET /healthz", () => {
  let redis: LocalServer;
  let database: Database;
  let cache: Cache;
  let http: HttpServer;
  let gatewayReady = true;

  // Each test gets its own Redis, database and server: one that kills Redis or closes the database
  // leaves nothing behind for the next, whatever order they run in. (The probe is `select 1`: the
  // database needs no migrations.)
  beforeEach(async () => {
    gatewayReady = true;
    redis = await startLocalRedis();
    database = await openDatabase({ dataDir: "memory://", log: silentLogger });
    cache = await createCache({ redisUrl: redis.url, keyPrefix: "health:", log: silentLogger });
    const health = () =>
      checkHealth({ health: createHealthService({ database }), cache, gatewayReady: () => gatewayReady });
    http = await startHttpServer({ port: 0, host: "127.0.0.1", log: silentLogger, health });
  });

  afterEach(async () => {
    await http?.close();
    await cache?.close();
    await database?.close().catch(() => undefined);
    await redis?.stop();
  });

  const get = async () => {
    const response = await fetch(`http://127.0.0.1:${http.port}/healthz`);
    return { status: response.status, body: (await response.json()) as HealthReport };
  };

  it("is healthy when the database, Redis and the gateway answer", async () => {
    expect(await get()).toEqual({
      status: 200,
      body: {
        ok: true,
        checks: {
          database: { ok: true, detail: "pglite" },
          cache: { ok: true, detail: "redis" },
          discord: { ok: true, detail: "gateway ready" },
        },
      },
    });
  });

  it("stays healthy, and says so, while Redis is down or the gateway reconnects", async () => {
    await redis.kill();
    gatewayReady = false;
    await expect.poll(async () => (await get()).body.checks.cache?.ok, { timeout: 5_000 }).toBe(false);
    const { status, body } = await get();
    expect(status).toBe(200);
    expect(body.checks.cache?.detail).toBe("redis unavailable, serving from Postgres");
    expect(body.checks.discord).toEqual({ ok: false, detail: "gateway not ready" });
  });

  it("answers 503 when the database is gone", async () => {
    await database.close();
    const { status, body } = await get();
    expect(status).toBe(503);
    expect(body.ok).toBe(false);
    expect(body.checks.database?.ok).toBe(false);
  });
});
