import { execFileSync } from "node:child_process";

export const testUserName = "tasklane-test";

export interface UserIds {
  uid: number;
  gid: number;
}

function lookUp(name: string): UserIds | undefined {
  try {
    const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8", stdio: "pipe" }).trim());
    const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8", stdio: "pipe" }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * Postgres refuses to run as root. As root we run it as a system user made for the purpose;
 * as anyone else, undefined: the server runs as the current user.
 */
export function unprivilegedUser(): UserIds | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const existing = lookUp(testUserName);
  if (existing) return existing;
  try {
    execFileSync(
      "useradd",
      [
        "--system",
        "--user-group",
        "--no-create-home",
        "--home-dir",
        "/nonexistent",
        "--shell",
        "/usr/sbin/nologin",
        testUserName,
      ],
      { stdio: "pipe" },
    );
  } catch (error) {
    // exit 9: another process created it a moment ago
    if ((error as { status?: number }).status !== 9) {
      throw new Error(`cannot create the system user ${testUserName} to run Postgres as non-root: ${error}`);
    }
  }
  const created = lookUp(testUserName);
  if (!created) throw new Error(`user ${testUserName} was created but cannot be looked up`);
  return created;
}
