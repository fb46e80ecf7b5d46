import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { requirePostgresBinaries } from "./find-binaries.ts";
import { type LocalServer, startLocalServer } from "./local-server.ts";
import { unprivilegedUser } from "./unprivileged-user.ts";

const run = promisify(execFile);

/** Settings for throwaway test clusters: durability off, room for many racing clients. */
const testSettings = {
  fsync: "off",
  synchronous_commit: "off",
  full_page_writes: "off",
  max_connections: "400",
  jit: "off",
};

export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** initdb + postgres on a free loopback port; superuser `postgres`, no password. */
export async function startLocalPostgres(options: { timeoutMs?: number } = {}): Promise<LocalServer> {
  const binaries = await requirePostgresBinaries();
  const user = unprivilegedUser();
  const url = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;
  return startLocalServer({
    name: "postgres",
    binary: binaries.postgres,
    user,
    prepare: async (dir) => {
      const args = [
        "-D",
        join(dir, "data"),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
      ];
      try {
        await run(binaries.initdb, args, { cwd: dir, uid: user?.uid, gid: user?.gid });
      } catch (error) {
        const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
        throw new Error(`initdb failed (${binaries.initdb}):\n${`${stdout}\n${stderr}`.trim()}`);
      }
    },
    args: (port, dir) => [
      "-D",
      join(dir, "data"),
      "-p",
      String(port),
      "-k",
      dir,
      "-c",
      "listen_addresses=127.0.0.1",
      ...Object.entries(testSettings).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    ],
    answers: (port) => postgresAnswers(url(port)),
    url,
    pidFile: (dir) => ({ pidFile: join(dir, "data", "postmaster.pid"), signal: "QUIT" }),
    politeStop: "SIGINT",
    transientFailure: /still in use|lock file .* already exists|address already in use/i,
    timeoutMs: options.timeoutMs,
  });
}
