import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { type ProvidedServer, providePostgres, provideRedis } from "../support/servers.ts";
import { withAdminClient } from "./admin-sql.ts";
import { NoServersError } from "./install-packages.ts";
import { buildTemplateDatabase, dropRunDatabases, templateDatabaseName } from "./template-database.ts";

function whereFrom(name: string, server: ProvidedServer, detail = ""): string {
  return `${name} ${detail}from ${server.source} at ${server.address}`;
}

/** One real Postgres and one real Redis for the whole run; each file then copies the template. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const startedAt = Date.now();
  const results = await Promise.allSettled([providePostgres(), provideRedis()]);
  const servers = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failures = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
  if (failures.length > 0) {
    await Promise.all(servers.map((server) => server.stop()));
    if (failures.length === 2 && failures.every((failure) => failure instanceof NoServersError)) {
      throw new NoServersError(failures.map((failure: NoServersError) => failure.reason).join("; "));
    }
    throw failures[0];
  }
  const [postgres, redis] = servers as [ProvidedServer, ProvidedServer];
  const databasePrefix = `t_${randomBytes(3).toString("hex")}_`;
  const stopAll = async () => {
    if (postgres.source === "env")
      await dropRunDatabases(postgres.url, databasePrefix).catch(() => undefined);
    await Promise.all([postgres.stop(), redis.stop()]);
  };
  try {
    await buildTemplateDatabase(postgres.url);
    const version = await withAdminClient(postgres.url, async (client) => {
      const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
      return rows[0]?.server_version ?? "?";
    });
    project.provide("databaseUrl", postgres.url);
    project.provide("redisUrl", redis.url);
    project.provide("templateDatabase", templateDatabaseName);
    project.provide("databasePrefix", databasePrefix);
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    console.log(
      `[test servers] ${whereFrom("Postgres", postgres, `${version.split(" ")[0]} `)}, ${whereFrom("Redis", redis)}; migrated template ready in ${seconds} s`,
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
