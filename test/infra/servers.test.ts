import { existsSync } from "node:fs";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, describe, expect, inject, test } from "vitest";
import { type LocalServer, startLocalPostgres, startLocalRedis } from "../support/servers.ts";
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
} from "../support/test-db.ts";

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the run's servers", () => {
  test("Postgres is a real server, version 15 or later", async () => {
    const [row] = await query<{ version: number }>(
      inject("databaseUrl"),
      "SELECT current_setting('server_version_num')::int AS version",
    );
    expect(row?.version).toBeGreaterThanOrEqual(150000);
  });

  test("Redis stores and returns a value", async () => {
    const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      const key = `${uniqueRedisPrefix()}greeting`;
      await redis.set(key, "hello", "EX", 60);
      expect(await redis.get(key)).toBe("hello");
    } finally {
      redis.disconnect();
    }
  });

  test("redis key prefixes are unique", () => {
    const prefixes = new Set(Array.from({ length: 100 }, () => uniqueRedisPrefix()));
    expect(prefixes.size).toBe(100);
    for (const prefix of prefixes) expect(prefix).toMatch(/^t:[0-9a-f]+:$/);
  });
});

describe("createTestDatabase", () => {
  const created: TestDatabase[] = [];
  afterAll(async () => {
    for (const database of created) await database.drop();
  });

  test("gives each caller its own migrated database", async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    created.push(first, second);
    expect(first.url).not.toBe(second.url);

    for (const database of [first, second]) {
      const [row] = await query<{ tasks: string | null }>(
        database.url,
        "SELECT to_regclass('public.tasks') AS tasks",
      );
      expect(row?.tasks).toBe("tasks");
    }

    await query(first.url, "CREATE TABLE only_in_first (id int)");
    const [inFirst] = await query<{ found: string | null }>(
      first.url,
      "SELECT to_regclass('only_in_first') AS found",
    );
    const [inSecond] = await query<{ found: string | null }>(
      second.url,
      "SELECT to_regclass('only_in_first') AS found",
    );
    expect(inFirst?.found).toBe("only_in_first");
    expect(inSecond?.found).toBeNull();
  });

  test("an empty one has no tables until migrations run", async () => {
    const database = await createTestDatabase({ empty: true });
    created.push(database);
    const [row] = await query<{ tables: number }>(
      database.url,
      "SELECT count(*)::int AS tables FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(row?.tables).toBe(0);
  });

  test("drop removes the database, even with a session still open, and may be called twice", async () => {
    const database = await createTestDatabase();
    const lingering = new pg.Client({ connectionString: database.url });
    lingering.on("error", () => undefined);
    await lingering.connect();
    await database.drop();
    await database.drop();
    await expect(query(database.url, "SELECT 1")).rejects.toThrow(/does not exist/);
    await lingering.end().catch(() => undefined);
  });
});

describe("startLocalRedis", () => {
  let redisServer: LocalServer | undefined;
  afterAll(async () => {
    await redisServer?.stop();
  });

  test("a killed Redis fails commands, and after restart answers again on the same port", async () => {
    redisServer = await startLocalRedis();
    const { port } = redisServer;
    const client = new Redis(redisServer.url, {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => 100,
      lazyConnect: true,
    });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.set("k", "before");
      expect(await client.get("k")).toBe("before");

      const killedPid = redisServer.pid;
      await redisServer.kill();
      expect(processExists(killedPid)).toBe(false);
      await expect(client.get("k")).rejects.toThrow();

      await redisServer.restart();
      expect(redisServer.port).toBe(port);
      await expect.poll(() => client.ping().catch(() => "down"), { timeout: 5_000 }).toBe("PONG");
      expect(await client.get("k")).toBeNull();
    } finally {
      client.disconnect();
    }
  });
});

describe("startLocalPostgres", () => {
  let postgresServer: LocalServer | undefined;
  afterAll(async () => {
    await postgresServer?.stop();
  });

  test("a killed Postgres refuses connections, and after restart keeps its data on the same port", async () => {
    postgresServer = await startLocalPostgres();
    const { url, port } = postgresServer;
    // durable commit for this session: the cluster runs with synchronous_commit=off
    await query(
      url,
      "SET synchronous_commit = on; CREATE TABLE survivors (name text); INSERT INTO survivors VALUES ('kept')",
    );

    const killedPid = postgresServer.pid;
    await postgresServer.kill();
    expect(processExists(killedPid)).toBe(false);
    await expect(query(url, "SELECT 1")).rejects.toThrow();

    await postgresServer.restart();
    expect(postgresServer.port).toBe(port);
    expect(await query(url, "SELECT name FROM survivors")).toEqual([{ name: "kept" }]);
  });

  test("stop removes the server and its directory", async () => {
    const server = await startLocalPostgres();
    const { pid, dir, url } = server;
    await server.stop();
    expect(processExists(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    await expect(query(url, "SELECT 1")).rejects.toThrow();
  });
});
