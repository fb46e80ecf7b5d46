import { REST } from "discord.js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployCommands } from "../../src/deploy-commands.ts";
import type { ApiMessage } from "../stand-in/index.ts";
import { DiscordStandIn } from "../stand-in/index.ts";
import { shardForGuild } from "../stand-in/snowflake.ts";
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
} from "../support/test-db.ts";
import { type BotProcess, killBot, spawnBot, troubleIn } from "./bot-process.ts";
import { runAll, until } from "./load.ts";

const TOKEN = "two-process-token";
const MEMBERS = ["alice", "bob", "rita", "carol", "dave", "erin"];
const AGENTS = ["agent-0", "agent-1", "agent-2", "agent-3", "agent-4"];

interface Created {
  guildId: string;
  number: number;
}

/** Everything one case sent and what came back, for the checks at the end. */
interface Ledger {
  interactions: number;
  creates: Created[];
  comments: number;
  claims: number;
  mentions: { id: string; guildId: string }[];
  nextClaims: Created[];
  /** Tasks the reminders case created (before the traffic). */
  remindedTasks: number;
}

describe.each([
  { shards: 1, label: "one shard" },
  { shards: 2, label: "SHARD_COUNT=2" },
])("two bot processes on one Postgres and Redis ($label)", ({ shards }) => {
  let discord: DiscordStandIn;
  let testDb: TestDatabase;
  let guilds: string[] = [];
  const bots: BotProcess[] = [];
  const ledger: Ledger = {
    interactions: 0,
    creates: [],
    comments: 0,
    claims: 0,
    mentions: [],
    nextClaims: [],
    remindedTasks: 0,
  };

  beforeAll(async () => {
    discord = await DiscordStandIn.start({
      token: TOKEN,
      shards,
      guilds: [{ name: "g0", owner: "alice", channels: ["lane"], members: worldMembers() }],
    });
    guilds = [discord.guild("g0").id];
    // A second guild, on the other shard when there are two (a snowflake's shard is its millisecond's).
    for (let index = 1; guilds.length < 2; index += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const guild = discord.addGuild({
        name: `g${index}`,
        owner: "alice",
        channels: ["lane"],
        members: worldMembers(),
      });
      if (shards === 1 || shardForGuild(guild.id, shards) !== shardForGuild(guilds[0]!, shards))
        guilds.push(guild.id);
    }
    const rest = new REST({ api: discord.apiUrl }).setToken(TOKEN);
    for (const guildId of guilds)
      await deployCommands({ rest, applicationId: discord.applicationId, guildId });
    testDb = await createTestDatabase();
    const env = {
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      DATABASE_URL: testDb.url,
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: uniqueRedisPrefix(),
      HTTP_PORT: "0",
      HTTP_HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      RATE_LIMIT_WRITES: "100000",
      ...(shards > 1 ? { SHARD_COUNT: String(shards) } : {}),
    };
    bots.push(spawnBot("bot-a", env), spawnBot("bot-b", env));
    await Promise.all(bots.map((bot) => bot.ready));
    await until(() => connectedSessions() === 2 * shards, 20_000);
    for (const guildId of guilds)
      for (const agent of AGENTS)
        await answered(
          discord.sendSlashCommand({
            guildId,
            channelId: "lane",
            userId: "alice",
            name: "tasklane",
            group: "agent",
            subcommand: "add",
            options: { user: discord.user(agent).id },
          }),
        );
  }, 90_000);

  afterAll(async () => {
    await Promise.all(bots.map(killBot));
    await discord?.stop();
    await testDb?.drop();
  });

  function worldMembers() {
    return [...MEMBERS, ...AGENTS.map((username) => ({ username, bot: true }))];
  }

  function connectedSessions(): number {
    return discord.gateway.sessions().filter((session) => session.link?.open).length;
  }

  /** Sends one interaction and returns what its user saw; counted for the exactly-once checks. */
  async function answered(handle: { reply(options?: { timeoutMs?: number }): Promise<ApiMessage> }) {
    ledger.interactions += 1;
    const reply = await handle.reply({ timeoutMs: 10_000 });
    expect(reply.content, "no internal-error apology").not.toMatch(/something went wrong/i);
    return reply;
  }

  function slash(
    guildId: string,
    userId: string,
    subcommand: string,
    options: Record<string, string | number>,
  ) {
    return answered(
      discord.sendSlashCommand({ guildId, channelId: "lane", userId, name: "task", subcommand, options }),
    );
  }

  /** An agent mentions the bot; resolves with the bot's reply to that very message. */
  async function mention(guildId: string, agent: string, text: string): Promise<ApiMessage> {
    const since = discord.messageMark();
    const sent = discord.sendMessage({
      guildId,
      channelId: "lane",
      authorId: agent,
      content: `<@${discord.botUser.id}> ${text}`,
    });
    ledger.mentions.push({ id: sent.id, guildId });
    return discord.waitForMessage(
      {
        sentBy: "bot",
        kind: "create",
        where: (message) => message.message_reference?.message_id === sent.id,
      },
      { since, timeoutMs: 10_000 },
    );
  }

  /** 100 interactions (40 creates, then 25 comments, 15 claims, 20 views mixed) and 25 mentions. */
  async function traffic(round: string): Promise<void> {
    const made = await runAll(
      Array.from({ length: 40 }, (_, index) => async () => {
        const guildId = guilds[index % guilds.length]!;
        const reply = await slash(guildId, MEMBERS[index % MEMBERS.length]!, "create", {
          title: `${round} task ${index}`,
        });
        // The card itself, or (a create slower than 2 s, deferred) the confirmation that names it.
        const number = Number(/#(\d+)/.exec(String(reply.embeds[0]?.title ?? reply.content))?.[1]);
        expect(number, `create reply: ${reply.content}`).toBeGreaterThan(0);
        return { guildId, number };
      }),
      8,
    );
    ledger.creates.push(...made);
    const jobs: (() => Promise<unknown>)[] = [];
    for (const [index, task] of made.slice(0, 25).entries())
      jobs.push(async () => {
        const reply = await slash(task.guildId, MEMBERS[(index + 1) % MEMBERS.length]!, "comment", {
          task: task.number,
          text: `${round} note ${index}`,
        });
        expect(reply.content).toContain(`Comment added to **#${task.number}**`);
        ledger.comments += 1;
      });
    for (const [index, task] of made.slice(25, 40).entries())
      jobs.push(async () => {
        const reply = await slash(task.guildId, MEMBERS[index % MEMBERS.length]!, "claim", {
          task: task.number,
        });
        expect(reply.content).toContain(`You claimed **#${task.number}**`);
        ledger.claims += 1;
      });
    for (const [index, task] of made.slice(0, 20).entries())
      jobs.push(async () => {
        const reply = await slash(task.guildId, MEMBERS[index % MEMBERS.length]!, "view", {
          task: task.number,
        });
        expect(String(reply.embeds[0]?.title ?? "")).toContain(`#${task.number}`);
      });
    for (let index = 0; index < 25; index += 1) {
      const guildId = guilds[index % guilds.length]!;
      const agent = AGENTS[index % AGENTS.length]!;
      const task = made[index]!;
      jobs.push(async () => {
        // Only `next` from agents without a task in progress: each agent's cap is one task.
        const text = index < 5 * guilds.length && round === "before" ? "next" : `view ${task.number}`;
        const reply = await mention(text === "next" ? guildId : task.guildId, agent, text);
        expect(reply.content).not.toContain("Sorry");
        const payload = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(reply.content)?.[1] ?? "{}");
        expect(payload, `${text}: ${payload.message}`).toMatchObject({ ok: true });
        if (text === "next" && payload.task) ledger.nextClaims.push({ guildId, number: payload.task.number });
      });
    }
    await runAll(shuffle(jobs), 8);
  }

  it("reminders come due while both processes run their jobs: each one is sent once", async () => {
    const guildId = guilds[0]!;
    const numbers = await runAll(
      Array.from({ length: 6 }, (_, index) => async () => {
        const reply = await slash(guildId, MEMBERS[index % MEMBERS.length]!, "create", {
          title: `due task ${index}`,
          due: "2030-03-01 17:00",
        });
        return Number(/#(\d+)/.exec(String(reply.embeds[0]?.title ?? reply.content))?.[1]);
      }),
      6,
    );
    ledger.remindedTasks = numbers.length;
    /** Reminder rows armed per task: before the due date, at it, and the overdue repeats. */
    const perTask = new Map<number, number>();
    const db = new pg.Client({ connectionString: testDb.url });
    await db.connect();
    try {
      const ofTheseTasks = `task_id IN (SELECT id FROM tasks WHERE guild_id = $1 AND number = ANY($2::int[]))`;
      // Time passes: every armed reminder is due now (the processes' clocks are the host's).
      const armed = await db.query(
        `UPDATE task_reminders r SET remind_at = now() - interval '1 second' FROM tasks t
          WHERE t.id = r.task_id AND r.${ofTheseTasks} RETURNING t.number`,
        [guildId, numbers],
      );
      for (const { number } of armed.rows)
        perTask.set(Number(number), (perTask.get(Number(number)) ?? 0) + 1);
      expect([...perTask.keys()].sort()).toEqual([...numbers].sort());
      await until(async () => {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM task_reminders WHERE sent_at IS NULL AND ${ofTheseTasks}`,
          [guildId, numbers],
        );
        return rows[0].n === 0;
      }, 30_000);
    } finally {
      await db.end();
    }
    await allOutboxSent(testDb.url);
    const messages = discord.channelMessages("lane", guildId);
    for (const number of numbers)
      expect(
        messages.filter((message) => message.content.includes(`reminder: **#${number}**`)),
        `reminders about #${number}`,
      ).toHaveLength(perTask.get(number)!);
  }, 90_000);

  it("200 interactions and 50 mentions, one process SIGKILLed between halves: each answered once, nothing twice", async () => {
    await traffic("before");
    // Cards being edited, assignments being sent: the outbox has work when the process dies.
    bots[0]!.signal("SIGKILL");
    await bots[0]!.exited;
    await until(() => connectedSessions() === shards, 10_000);
    await traffic("after");

    // Every interaction got exactly one callback: a second instance answering would get 40060.
    const records = discord.interactions();
    expect(records).toHaveLength(ledger.interactions);
    for (const record of records) {
      expect(record.callback?.type, record.label).toBeOneOf([4, 5, 6, 7, 8, 9]);
      expect(record.refused, record.label).toEqual([]);
    }
    const seen = guilds.flatMap((guildId) => discord.channelMessages("lane", guildId));
    for (const message of seen)
      expect(message.content, "no internal-error apology").not.toMatch(/something went wrong/i);

    // Every mention got exactly one reply.
    await allOutboxSent(testDb.url);
    for (const sent of ledger.mentions) {
      const replies = seen.filter((message) => message.message_reference?.message_id === sent.id);
      expect(replies, `replies to mention ${sent.id}`).toHaveLength(1);
    }

    // The database: one task per create, one comment per comment, one claim per claim.
    const db = new pg.Client({ connectionString: testDb.url });
    await db.connect();
    try {
      const count = async (query: string) => Number((await db.query(query)).rows[0].n);
      expect(await count("SELECT count(*) AS n FROM tasks")).toBe(
        ledger.creates.length + ledger.remindedTasks,
      );
      expect(new Set(ledger.creates.map((task) => `${task.guildId}#${task.number}`)).size).toBe(80);
      expect(await count("SELECT count(*) AS n FROM task_events WHERE kind = 'commented'")).toBe(
        ledger.comments,
      );
      expect(
        await count("SELECT count(*) AS n FROM task_events WHERE kind = 'claimed' AND source = 'slash'"),
      ).toBe(ledger.claims);
      expect(ledger.nextClaims.length).toBeGreaterThan(0);
      expect(new Set(ledger.nextClaims.map((task) => `${task.guildId}#${task.number}`)).size).toBe(
        ledger.nextClaims.length,
      );
      expect(await count("SELECT count(*) AS n FROM task_events WHERE kind = 'started'")).toBe(
        ledger.nextClaims.length,
      );
      expect(
        await count(
          "SELECT count(*) AS n FROM tasks t WHERE NOT EXISTS (SELECT 1 FROM task_events e WHERE e.task_id = t.id AND e.kind = 'created')",
        ),
      ).toBe(0);
      // Every committed outbox row was delivered, once: one Discord message per row that posts one.
      const rows = (await db.query("SELECT id, state, discord_message_id, nonce FROM outbox ORDER BY id"))
        .rows;
      expect(rows.filter((row) => row.state !== "sent")).toEqual([]);
      const posted = rows.filter((row) => row.discord_message_id !== null);
      for (const row of posted)
        expect(discord.message(row.discord_message_id)?.id, `outbox ${row.id}`).toBe(row.discord_message_id);
      const byNonce = new Map<string, number>();
      for (const message of seen.filter(
        (message) => message.author.id === discord.botUser.id && message.nonce,
      ))
        byNonce.set(String(message.nonce), (byNonce.get(String(message.nonce)) ?? 0) + 1);
      expect([...byNonce.values()].filter((n) => n > 1)).toEqual([]);
    } finally {
      await db.end();
    }

    // The survivor logged no error, and kept running.
    expect(troubleIn(bots[1]!)).toEqual([]);
    expect(bots[1]!.running()).toBe(true);
  }, 240_000);
});

async function allOutboxSent(url: string): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    // A row the killed process had claimed comes due again after its visibility timeout (15 s).
    await until(async () => {
      const { rows } = await db.query("SELECT count(*)::int AS n FROM outbox WHERE state = 'pending'");
      return rows[0].n === 0;
    }, 60_000);
  } finally {
    await db.end();
  }
}

function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}
