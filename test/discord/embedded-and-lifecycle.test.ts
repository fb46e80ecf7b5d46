import { spawn } from "node:child_process";
import { describe, expect, it, vi } from "vitest";
import { DiscordStandIn } from "../stand-in/index.ts";
import { buttonLabels, createTask, fieldOf, isEphemeral, slash } from "./support/act.ts";
import { BOT_TOKEN, useBot } from "./support/boot-bot.ts";

describe("the embedded default (PGlite, in-process cache)", () => {
  const bot = useBot({
    database: "pglite",
    rateLimitWrites: 4,
    http: true,
    world: { guilds: [{ name: "Home", channels: ["general"], members: ["ann", "ben"] }] },
  });

  it("runs the same commands and cards", async () => {
    expect(bot.app.database.kind).toBe("pglite");
    expect(bot.app.cache.kind).toBe("memory");
    const card = await createTask(bot, { userId: "ann", guildId: "Home" }, { title: "Water the plants" });
    const claimed = await bot.discord
      .clickButton({ message: card.id, userId: "ann", label: "Claim" })
      .reply();
    expect(fieldOf(claimed, "Assignee")).toBe(`<@${bot.discord.user("ann").id}>`);
    expect(buttonLabels(claimed)).toEqual(["Start"]);
  });

  it("rate limits writes per user and server, with a clear sentence, and never reads", async () => {
    const answers: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const reply = await slash(bot, { userId: "ben", guildId: "Home" }, "task comment", {
        task: 1,
        text: `note ${i}`,
      }).reply();
      answers.push(reply.content);
    }
    expect(answers.at(-1)).toMatch(/^Slow down: try again in \d+ s\.$/);
    expect(answers.slice(0, 2).every((answer) => answer.startsWith("Comment added"))).toBe(true);
    const read = await slash(bot, { userId: "ben", guildId: "Home" }, "task view", { task: 1 }).reply();
    expect(isEphemeral(read)).toBe(true);
    expect(read.embeds).toHaveLength(1);
    const other = await slash(bot, { userId: "ann", guildId: "Home" }, "task comment", {
      task: 1,
      text: "mine",
    }).reply();
    expect(other.content).toBe("Comment added to **#1**.");
  });

  it("serves /healthz and /metrics", async () => {
    const base = `http://127.0.0.1:${bot.app.httpPort()}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      ok: true,
      checks: {
        database: { ok: true, detail: "pglite" },
        cache: { ok: true, detail: "memory" },
        discord: { ok: true, detail: "gateway ready" },
      },
    });
    // A mention comes in the same way as an interaction, and is counted beside them.
    const since = bot.discord.messageMark();
    const sent = bot.discord.sendMessage({
      channelId: "general",
      guildId: "Home",
      authorId: "ben",
      content: `${bot.discord.mention(bot.discord.botUser.username)} help`,
    });
    await bot.discord.waitForMessage(
      {
        sentBy: "bot",
        kind: "create",
        where: (message) => message.message_reference?.message_id === sent.id,
      },
      { since, timeoutMs: 5_000 },
    );
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/tasklane_interactions_total\{kind="mention",outcome="ok"\} 1/);
    expect(metrics).toMatch(/tasklane_interactions_total\{kind="slash",outcome="ok"\} \d+/);
    expect(metrics).toMatch(/tasklane_interactions_total\{kind="slash",outcome="refused:rate_limited"\} 1/);
    expect(metrics).toContain("tasklane_interaction_seconds_bucket");
  });

  it("stops gracefully: an interaction in flight is answered before the client closes", async () => {
    // The answer reaches Discord slowly, so it is still in flight when the stop begins.
    bot.discord.injectFault({
      route: "/interactions/:interactionId/:token/callback",
      delayMs: 500,
      times: 1,
    });
    const inFlight = slash(bot, { userId: "ann", guildId: "Home" }, "tasks list");
    await vi.waitFor(() => expect(bot.app.runner.inFlight()).toBeGreaterThan(0));
    const stopping = bot.app.stop();
    const answer = await inFlight.reply();
    expect(answer.embeds.length + answer.content.length).toBeGreaterThan(0);
    await stopping;
    expect(bot.app.runner.inFlight()).toBe(0);
    expect(bot.app.client.isReady()).toBe(false);
    bot.app.stop = async () => {}; // already stopped; afterAll's stop() must not stop it twice
  });
});

/** Runs a repo script as a user would, with only the given environment. */
function run(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", ...env },
      cwd: process.cwd(),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm start and npm run commands:deploy", () => {
  it("without DISCORD_TOKEN, start exits 1 with one line saying how to get one and how to try offline", async () => {
    const { code, stderr } = await run("src/main.ts", { DATA_DIR: "memory://" });
    expect(code).toBe(1);
    const lines = stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("Bot → Reset Token");
    expect(lines[0]).toContain("npm run sandbox");
  });

  it("a bad setting stops start-up with one line naming the variable", async () => {
    const { code, stderr } = await run("src/main.ts", { DISCORD_TOKEN: "x", HTTP_PORT: "eighty" });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([expect.stringMatching(/^Invalid HTTP_PORT/)]);
  });

  it("deploys to one server and prints what changed, then that nothing did", async () => {
    const discord = await DiscordStandIn.start({
      token: BOT_TOKEN,
      guilds: [{ name: "Deploy", channels: ["general"], members: ["ops"] }],
    });
    try {
      const env = {
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_API_URL: discord.apiUrl,
        DISCORD_GUILD_ID: discord.guild("Deploy").id,
      };
      const first = await run("scripts/deploy-commands.ts", env);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain(`Deployed commands to server ${discord.guild("Deploy").id}:`);
      expect(first.stdout).toContain("+ added    /task");
      expect(first.stdout).toContain('+ added    "Create task from message" (message menu)');
      expect(
        discord
          .commandsIn("Deploy")
          .map((command) => command.name)
          .sort(),
      ).toEqual(["Create task from message", "task", "tasklane", "tasks"]);
      const second = await run("scripts/deploy-commands.ts", env);
      expect(second.stdout.trim()).toBe(
        `Commands for server ${discord.guild("Deploy").id} are up to date (4 commands).`,
      );
    } finally {
      await discord.stop();
    }
  });
});
