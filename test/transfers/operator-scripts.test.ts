import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { queryRows } from "../../src/store/raw.ts";
import { DiscordStandIn } from "../stand-in/index.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const FIXTURE = join(ROOT, "test/transfers/fixtures/tasks-tagged.json");
const GUILD = "400000000000000001";
const CHANNEL = "400000000000000002";
const ACTOR = "400000000000000003";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run <script> -- args` as an operator types it (tsx, .env ignored: the environment is given). */
function run(script: "import" | "export", args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, "node_modules/.bin/tsx"), [`scripts/${script}.ts`, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run import / npm run export", () => {
  let testDb: TestDatabase;
  let database: Database;
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = await openDatabase({ url: testDb.url, log: silentLogger });
    env = { DATABASE_URL: testDb.url };
    dir = mkdtempSync(join(tmpdir(), "tasklane-transfer-"));
  }, 90_000);
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 90_000);
  const counts = async () =>
    (
      await queryRows<{ tasks: number; events: number }>(
        database.db,
        sql`SELECT (SELECT count(*)::int FROM tasks) AS tasks, (SELECT count(*)::int FROM task_events) AS events`,
      )
    )[0]!;
  const importArgs = ["--guild", GUILD, "--channel", CHANNEL, "--as", ACTOR];

  it("a broken file: one line naming the JSON path, exit 1, nothing written", async () => {
    const file = JSON.parse(readFileSync(FIXTURE, "utf8"));
    file.master.tasks[3].dependencies = [9];
    const broken = join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify(file));
    const result = await run("import", [broken, ...importArgs], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`${broken}: master.tasks[3].dependencies[0]: task 9 does not exist`);
    expect(await counts()).toEqual({ tasks: 0, events: 0 });
  }, 90_000);

  it("--dry-run prints what it would create and writes nothing; then the import; then a re-run adds nothing", async () => {
    const dry = await run("import", [FIXTURE, ...importArgs, "--dry-run"], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      "Would create 11 tasks (2 open, 1 in progress, 2 in review, 3 blocked, 2 done, 1 cancelled), would update 0, 0 unchanged",
    );
    expect(dry.stdout).toContain("  + #3 [done] Users and sessions tables  (Task Master 2.1)");
    expect(dry.stdout).toContain("Dry run: nothing was written.");
    expect(await counts()).toEqual({ tasks: 0, events: 0 });

    const real = await run("import", [FIXTURE, ...importArgs], env);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(
      /^Created 11 tasks .*, updated 0, 0 unchanged — tag "master" \(tagged layout\)\./,
    );
    expect(real.stdout).toContain("Cards are posted when the bot next runs");
    expect(await counts()).toEqual({ tasks: 11, events: 11 });

    const again = await run("import", [FIXTURE, ...importArgs], env);
    expect(again.stdout).toMatch(/^Created 0 tasks, updated 0, 11 unchanged/);
    expect(await counts()).toEqual({ tasks: 11, events: 11 });
  }, 90_000);

  it("exports the server's tasks as CSV to a file and as JSON to stdout", async () => {
    const out = join(dir, "tasks.csv");
    const csv = await run("export", ["--guild", GUILD, "--out", out], env);
    expect(csv.code).toBe(0);
    expect(csv.stderr).toContain(`Wrote 11 tasks to ${out}.`);
    const lines = readFileSync(out, "utf8").trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "number,title,status,priority,assignee,labels,due,estimate_minutes,parent,dependencies,channel,created,updated,completed,repeat",
    );
    expect(lines).toHaveLength(12);

    const json = await run("export", ["--guild", GUILD, "--format", "json", "--status", "done"], env);
    const document = JSON.parse(json.stdout);
    expect(document.tasks.map((task: { title: string }) => task.title)).toEqual([
      "Set up the repository and CI",
      "Users and sessions tables",
    ]);
    expect(document.tasks[0].history).toMatchObject([
      { kind: "created", source: "import", toStatus: "done" },
    ]);
  }, 90_000);

  it("--post logs the bot in, posts the imported cards, and stops", async () => {
    const discord = await DiscordStandIn.start({
      token: "post-token",
      guilds: [{ name: "Ops", owner: "owen", channels: ["imports"], members: ["owen"] }],
    });
    try {
      const guild = discord.guild("Ops").id;
      const channel = discord.channel("imports").id;
      const result = await run("import", [FIXTURE, "--guild", guild, "--channel", channel, "--post"], {
        ...env,
        DISCORD_TOKEN: "post-token",
        DISCORD_API_URL: discord.apiUrl,
        DISCORD_APP_ID: discord.applicationId,
        HTTP_PORT: "0",
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("Posted 11 cards.");
      const cards = discord.channelMessages("imports");
      expect(cards).toHaveLength(11);
      expect(cards.every((card) => card.author.id === discord.botUser.id)).toBe(true);
    } finally {
      await discord.stop();
    }
  }, 90_000);
});
