import { accessSync, constants, existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { installDebianPackages, NoServersError } from "./install-packages.ts";

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}

/** Debian keeps initdb/postgres off PATH, one directory per major version: take the highest. */
function findPostgresBinaries(): PostgresBinaries | undefined {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+(\.\d+)?$/.test(name))
        .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  for (const version of versions) {
    const bin = join(root, version, "bin");
    const found = { initdb: join(bin, "initdb"), postgres: join(bin, "postgres") };
    if (isExecutable(found.initdb) && isExecutable(found.postgres)) return found;
  }
  const initdb = findOnPath("initdb");
  const postgres = findOnPath("postgres");
  return initdb && postgres ? { initdb, postgres } : undefined;
}

function findRedisServer(): string | undefined {
  return (
    findOnPath("redis-server") ?? ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find(isExecutable)
  );
}

export async function requirePostgresBinaries(): Promise<PostgresBinaries> {
  const found = findPostgresBinaries();
  if (found) return found;
  await installDebianPackages(["postgresql"], "initdb/postgres");
  const installed = findPostgresBinaries();
  if (!installed)
    throw new NoServersError("postgresql was installed but initdb/postgres are still not found");
  return installed;
}

export async function requireRedisServer(): Promise<string> {
  const found = findRedisServer();
  if (found) return found;
  await installDebianPackages(["redis-server"], "redis-server");
  const installed = findRedisServer();
  if (!installed) throw new NoServersError("redis-server was installed but is still not found");
  return installed;
}
