import { Redis } from "ioredis";
import pg from "pg";
import { type ContainerServer, startPostgresContainer, startRedisContainer } from "../setup/containers.ts";
import { dockerEngineAnswers } from "../setup/docker-engine.ts";
import { startLocalPostgres } from "../setup/local-postgres.ts";
import { startLocalRedis } from "../setup/local-redis.ts";
import type { LocalServer } from "../setup/local-server.ts";

export type { LocalServer };
export { dockerEngineAnswers, startLocalPostgres, startLocalRedis };

export type ServerSource = "env" | "testcontainers" | "local binaries";

export interface ProvidedServer {
  url: string;
  source: ServerSource;
  /** host:port, for the one line that says where the servers came from. */
  address: string;
  /** Stops what we started; a server given by env is left alone. */
  stop(): Promise<void>;
}

interface Kind {
  envVar: "TEST_DATABASE_URL" | "TEST_REDIS_URL";
  /** Rejects with the driver's reason when nothing usable answers at the URL. */
  check(url: string): Promise<void>;
  image: string;
  startContainer(): Promise<ContainerServer>;
  startLocal(): Promise<LocalServer>;
}

const postgres: Kind = {
  envVar: "TEST_DATABASE_URL",
  check: checkPostgres,
  image: "postgres:15",
  startContainer: startPostgresContainer,
  startLocal: () => startLocalPostgres(),
};

const redis: Kind = {
  envVar: "TEST_REDIS_URL",
  check: checkRedis,
  image: "redis:7",
  startContainer: startRedisContainer,
  startLocal: () => startLocalRedis(),
};

async function checkPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined;
  client.on("error", (error) => {
    lastError = error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw lastError ?? error;
  } finally {
    client.disconnect();
  }
}

function addressOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || "default port"}`;
}

/**
 * Env URL when set; else Testcontainers when a Docker engine answers (TEST_SERVERS=local skips
 * Docker); else local binaries on a free loopback port.
 */
async function provide(kind: Kind): Promise<ProvidedServer> {
  const fromEnv = process.env[kind.envVar]?.trim();
  if (fromEnv) {
    await kind.check(fromEnv).catch((error) => {
      throw new Error(
        `${kind.envVar} is set but ${addressOf(fromEnv)} does not answer: ${error.message ?? error}`,
      );
    });
    return { url: fromEnv, source: "env", address: addressOf(fromEnv), stop: async () => {} };
  }
  if (process.env.TEST_SERVERS !== "local" && (await dockerEngineAnswers())) {
    try {
      const container = await kind.startContainer();
      return { ...container, source: "testcontainers", address: addressOf(container.url) };
    } catch (error) {
      console.log(
        `[test servers] Docker answers but ${kind.image} did not start (${error}); using local binaries`,
      );
    }
  }
  const local = await kind.startLocal();
  return { url: local.url, source: "local binaries", address: `127.0.0.1:${local.port}`, stop: local.stop };
}

/** A Postgres server; its URL names a superuser and the `postgres` database. */
export function providePostgres(): Promise<ProvidedServer> {
  return provide(postgres);
}

export function provideRedis(): Promise<ProvidedServer> {
  return provide(redis);
}
