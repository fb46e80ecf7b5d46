import { REST } from "discord.js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployCommands } from "../../src/deploy-commands.ts";
import { DiscordStandIn } from "../stand-in/index.ts";
import { type LocalServer, startLocalPostgres } from "../support/servers.ts";
import { testRedisUrl, uniqueRedisPrefix } from "../support/test-db.ts";
import { type BotProcess, killBot, spawnBot } from "./bot-process.ts";
import { runAll, until } from "./load.ts";

const TOKEN = "restart-token";
const MEMBERS = ["alice", "bob", "carol", "dave"];
const TRY_AGAIN = "Tasklane lost its database connection for a moment; try again in a few seconds.";
const BUSY = "That is busy right now (someone else is changing it); try again in a moment.";

type Outcome = "ok" | "try again" | "busy";

describe("Postgres fast-stopped and restarted under traffic (a real bot process)", () => {
  let postgres: LocalServer;
  let discord: DiscordStandIn;
  let bot: BotProcess;

  beforeAll(async () => {
    postgres = await startLocalPostgres();
    discord = await DiscordStandIn.start({
      token: TOKEN,
      guilds: [
        {
          name: "HQ",
          owner: "alice",
          channels: ["lane"],
          members: [...MEMBERS, { username: "agent-0", bot: true }],
        },
      ],
    });
    const rest = new REST({ api: discord.apiUrl }).setToken(TOKEN);
    await deployCommands({ rest, applicationId: discord.applicationId, guildId: discord.guild("HQ").id });
    bot = spawnBot("bot", {
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      DATABASE_URL: postgres.url,
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: uniqueRedisPrefix(),
      HTTP_PORT: "0",
      HTTP_HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      RATE_LIMIT_WRITES: "100000",
    });
    await bot.ready;
    await discord.waitForBot();
  }, 90_000);

  afterAll(async () => {
    await killBot(bot);
    await discord?.stop();
    await postgres?.stop();
  });

  it("the process stays up, every interaction is answered (done, or 'try again'), no apology, nothing half-written, the outbox carries on", async () => {
    const outcomes: { what: string; outcome: Outcome }[] = [];
    const createdTitles: string[] = [];
    let sent = 0;
    let stopAt = Date.now() + 60_000;

    const answer = (content: string, success: RegExp): Outcome => {
      if (content === TRY_AGAIN) return "try again";
      if (content === BUSY) return "busy";
      expect(content, "an answer that is neither done nor 'try again'").toMatch(success);
      return "ok";
    };

    const worker = async (index: number) => {
      for (let round = 0; Date.now() < stopAt; round += 1) {
        const user = MEMBERS[index % MEMBERS.length]!;
        const title = `w${index} r${round}`;
        sent += 1;
        const reply = await discord
          .sendSlashCommand({
            channelId: "lane",
            userId: user,
            name: "task",
            subcommand: "create",
            options: { title },
          })
          .reply({ timeoutMs: 8_000 });
        // The card itself, or (a create slower than 2 s, deferred) the confirmation that names it.
        const created = String(reply.embeds[0]?.title ?? "").includes(title);
        const outcome = created
          ? "ok"
          : answer(reply.content, /^Created \*\*#\d+\*\*; its card is on its way/);
        outcomes.push({ what: "create", outcome });
        if (outcome === "ok") createdTitles.push(title);
        const number = Number(/#(\d+)/.exec(String(reply.embeds[0]?.title ?? reply.content))?.[1]);
        if (!number) continue;
        sent += 1;
        const comment = await discord
          .sendSlashCommand({
            channelId: "lane",
            userId: user,
            name: "task",
            subcommand: round % 2 ? "claim" : "comment",
            options: round % 2 ? { task: number } : { task: number, text: "on it" },
          })
          .reply({ timeoutMs: 8_000 });
        outcomes.push({
          what: round % 2 ? "claim" : "comment",
          outcome: answer(comment.content, /^(You claimed|Comment added)/),
        });
      }
    };

    const traffic = runAll(
      Array.from({ length: 4 }, (_, index) => () => worker(index)),
      4,
    );
    // Traffic flows, then the database goes away as in a failover or maintenance, and comes back.
    await until(() => outcomes.length >= 30, 30_000);
    await postgres.restart();
    const restartedAt = outcomes.length;
    await until(() => outcomes.length >= restartedAt + 40, 30_000);
    stopAt = Date.now();
    await traffic;

    expect(bot.running(), "the bot process is still up").toBe(true);
    expect(outcomes).toHaveLength(sent);
    // After the restart the bot answers again by itself.
    expect(outcomes.slice(-10).every((entry) => entry.outcome === "ok")).toBe(true);
    const fatal = bot.lines.filter((line) => line.level >= 60 || /uncaught|unhandled/i.test(line.msg));
    expect(fatal).toEqual([]);
    const apologies = bot.lines.filter((line) => line.msg === "interaction failed");
    expect(apologies, "no interaction answered with an apology and a reference").toEqual([]);

    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    try {
      const rows = async (query: string) => (await db.query(query)).rows;
      // Every create answered as done is there; none is there twice.
      const titles = (await rows("SELECT title FROM tasks")).map((row) => row.title as string);
      for (const title of createdTitles) expect(titles).toContain(title);
      expect(new Set(titles).size).toBe(titles.length);
      // Nothing half-written: every task has its creation event (and every event its task, by key).
      expect(
        await rows(
          "SELECT t.number FROM tasks t WHERE NOT EXISTS (SELECT 1 FROM task_events e WHERE e.task_id = t.id AND e.kind = 'created')",
        ),
      ).toEqual([]);
      expect(
        await rows(
          "SELECT t.number FROM tasks t WHERE t.assignee_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM task_events e WHERE e.task_id = t.id AND e.kind = 'claimed')",
        ),
      ).toEqual([]);
      // The outbox carries on: what was committed is delivered. A card whose interaction lost the
      // database between posting and recording it is reclaimed after its placeholder goes stale (60 s).
      await until(
        async () => (await rows("SELECT 1 FROM outbox WHERE state <> 'sent'")).length === 0,
        120_000,
      ).catch(async (error) => {
        const stuck = await rows(
          "SELECT id, kind, state, attempts, last_error, next_attempt_at FROM outbox WHERE state <> 'sent'",
        );
        throw new Error(`${error.message}: outbox rows not delivered: ${JSON.stringify(stuck)}`);
      });
    } finally {
      await db.end();
    }
  }, 240_000);
});
