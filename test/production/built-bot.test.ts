import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { REST } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployCommands } from "../../src/deploy-commands.ts";
import { DiscordStandIn } from "../stand-in/index.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TOKEN = "built-bot-token";
const FIXTURE = join(ROOT, "test/transfers/fixtures/tasks-tagged.json");

interface Exited {
  code: number | null;
  output: string;
}

/** A process of the compiled build, as `npm start` and the Docker image run it: plain node, no tsx. */
function runNode(args: string[], env: Record<string, string>) {
  let output = "";
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<Exited>((resolve) => child.on("close", (code) => resolve({ code, output })));
  return { child, output: () => output, exited };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the built bot (npm run build → node dist/main.js) against the stand-in", () => {
  let discord: DiscordStandIn;
  let testDb: TestDatabase;
  let bot: ReturnType<typeof runNode> | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    const build = await runNode(["scripts/build/build.mjs"], {}).exited;
    if (build.code !== 0) throw new Error(`npm run build failed:\n${build.output}`);
    discord = await DiscordStandIn.start({
      token: TOKEN,
      guilds: [{ name: "HQ", owner: "olivia", channels: ["lane"], members: ["olivia", "alice"] }],
    });
    testDb = await createTestDatabase();
    const rest = new REST({ api: discord.apiUrl }).setToken(TOKEN);
    await deployCommands({ rest, applicationId: discord.applicationId, guildId: discord.guild("HQ").id });
    env = {
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      DATABASE_URL: testDb.url,
      HTTP_PORT: "0",
      HTTP_HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
    };
  }, 240_000);

  afterAll(async () => {
    if (bot && bot.child.exitCode === null) {
      bot.child.kill("SIGKILL");
      await bot.exited;
    }
    await discord?.stop();
    await testDb?.drop();
  });

  it("builds dist/main.js and the operator scripts, which run without tsx", async () => {
    expect(existsSync(join(ROOT, "dist/main.js"))).toBe(true);
    // prestart: a build newer than every source is kept as it is
    const stamp = statSync(join(ROOT, "dist/.build-stamp")).mtimeMs;
    const prestart = await runNode(["scripts/build/ensure-build.mjs"], {}).exited;
    expect(prestart).toEqual({ code: 0, output: "" });
    expect(statSync(join(ROOT, "dist/.build-stamp")).mtimeMs).toBe(stamp);
    const imported = await runNode(
      [
        "dist/scripts/import.js",
        FIXTURE,
        "--guild",
        discord.guild("HQ").id,
        "--channel",
        discord.channel("lane").id,
        "--as",
        discord.user("olivia").id,
      ],
      { DATABASE_URL: testDb.url },
    ).exited;
    expect(imported.output).toMatch(/^Created 11 tasks/);
    expect(imported.code).toBe(0);
  }, 60_000);

  it("starts, posts the imported cards, answers a slash command, serves /healthz and /metrics, stops on SIGTERM", async () => {
    bot = runNode(["dist/main.js"], env);
    await until(
      () => bot!.output().includes('"msg":"tasklane ready"') || bot!.child.exitCode !== null,
      60_000,
      "ready",
    );
    expect(bot.child.exitCode, bot.output()).toBeNull();

    // The import's cards were written to the outbox; the bot posts them when it runs.
    const cards = () =>
      discord.channelMessages("lane").filter((message) => message.author.id === discord.botUser.id);
    await until(() => cards().length >= 11, 30_000, "the imported cards");

    const reply = await discord
      .sendSlashCommand({
        channelId: "lane",
        userId: "alice",
        name: "task",
        subcommand: "create",
        options: { title: "After the build" },
      })
      .reply({ timeoutMs: 10_000 });
    expect(reply.embeds[0]?.title).toBe("#12 · After the build");

    const listening = bot
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { msg: string; port?: number })
      .find((line) => line.msg.startsWith("http server listening"));
    const base = `http://127.0.0.1:${listening?.port}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      ok: true,
      checks: { database: { ok: true, detail: "postgres" } },
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^tasklane_tasks\{status="in_review"\} 2$/m);
    expect(metrics).toMatch(/^tasklane_outbox_pending \d+$/m);

    bot.child.kill("SIGTERM");
    const { code } = await bot.exited;
    expect(code).toBe(0);
  }, 120_000);
});
