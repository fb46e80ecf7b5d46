import { execFile } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

export const threeWays = [
  "Tests need a real Postgres (15+) and a real Redis. Give them one of three ways:",
  "  1. TEST_DATABASE_URL=postgres://user@host:port/postgres (a user that may CREATE DATABASE)",
  "     and TEST_REDIS_URL=redis://host:port",
  "  2. a running Docker engine: Testcontainers starts postgres:15 and redis:7",
  "  3. local binaries: initdb + postgres (under /usr/lib/postgresql/<version>/bin or on PATH) and",
  "     redis-server on PATH; on Debian/Ubuntu: apt-get install postgresql redis-server",
  "     (as root on Debian the test setup installs them itself).",
].join("\n");

export class NoServersError extends Error {
  constructor(readonly reason: string) {
    super(`${reason}.\n${threeWays}`);
    this.name = "NoServersError";
  }
}

export function canInstallDebianPackages(): boolean {
  return process.getuid?.() === 0 && existsSync("/etc/debian_version") && existsSync("/usr/bin/apt-get");
}

let queue: Promise<unknown> = Promise.resolve();
let updated = false;

/** apt holds one lock: installs wait their turn. */
export function installDebianPackages(packages: string[], missing: string): Promise<void> {
  const next = queue.then(() => install(packages, missing));
  queue = next.catch(() => undefined);
  return next;
}

async function install(packages: string[], missing: string): Promise<void> {
  if (!canInstallDebianPackages()) throw new NoServersError(`${missing} not found`);
  console.log(`[test servers] ${missing} not found: installing ${packages.join(" ")} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const releasePolicy = forbidServiceStarts();
  try {
    if (!updated) await run("apt-get", ["update", "-qq"], { env, maxBuffer: 64 << 20 });
    updated = true;
    await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], {
      env,
      maxBuffer: 64 << 20,
    });
  } catch (error) {
    const output = String((error as { stderr?: string }).stderr ?? error)
      .trimEnd()
      .split("\n")
      .slice(-10)
      .join("\n");
    throw new NoServersError(
      `${missing} not found and apt-get install ${packages.join(" ")} failed:\n${output}`,
    );
  } finally {
    releasePolicy();
  }
}

/** Installing a server package must not leave a system service running on its default port. */
function forbidServiceStarts(): () => void {
  const policy = "/usr/sbin/policy-rc.d";
  if (existsSync(policy)) return () => undefined;
  writeFileSync(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  return () => rmSync(policy, { force: true });
}
