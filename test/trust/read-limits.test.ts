import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createTask, embedOf, slash } from "../discord/support/act.ts";
import { useBot } from "../discord/support/boot-bot.ts";
import { TEAM_WORLD } from "../discord/support/world.ts";

const SLOW_DOWN = /^Slow down: try again in \d+ s\.$/;

describe.each([
  ["Postgres and Redis", "postgres"],
  ["the embedded default (PGlite, in-process limiter)", "pglite"],
] as const)("reads are rate limited too, on %s", (_name, database) => {
  const bot = useBot({ world: TEAM_WORLD, database, rateLimitReads: 4, rateLimitWrites: 1000 });
  beforeAll(async () => {
    await createTask(bot, { userId: "alice" }, { title: "Write the onboarding docs" });
  }, 60_000);

  const autocomplete = (userId: string) =>
    bot.discord.autocomplete({
      guildId: "HQ",
      channelId: "general",
      userId,
      name: "task",
      subcommand: "view",
      focused: "task",
      options: { task: "onboarding" },
    });

  it("a user past the read bucket is told to slow down; autocomplete answers nothing; writes and others are unaffected", async () => {
    const reads = [
      await slash(bot, { userId: "bob" }, "tasks list", {}).reply(),
      await slash(bot, { userId: "bob" }, "tasks search", { query: "onboarding" }).reply(),
      await slash(bot, { userId: "bob" }, "task view", { task: 1 }).reply(),
    ];
    for (const read of reads) expect(read.embeds, read.content).toHaveLength(1);
    expect((await autocomplete("bob").choices()).map((choice) => choice.value)).toEqual([1]);

    expect((await slash(bot, { userId: "bob" }, "task history", { task: 1 }).reply()).content).toMatch(
      SLOW_DOWN,
    );
    expect((await slash(bot, { userId: "bob" }, "tasks stats", {}).reply()).content).toMatch(SLOW_DOWN);
    expect(await autocomplete("bob").choices()).toEqual([]);
    const since = bot.discord.messageMark();
    const sent = bot.discord.sendMessage({
      channelId: "general",
      guildId: "HQ",
      authorId: "bob",
      content: `<@${bot.discord.botUser.id}> view 1`,
    });
    const mention = await bot.discord.waitForMessage(
      {
        sentBy: "bot",
        kind: "create",
        where: (message) => message.message_reference?.message_id === sent.id,
      },
      { since, timeoutMs: 5_000 },
    );
    expect(mention.content).toMatch(/^Slow down: try again in \d+ s\.\n```json\n/);

    const comment = await slash(bot, { userId: "bob" }, "task comment", {
      task: 1,
      text: "still here",
    }).reply();
    expect(comment.content).toBe("Comment added to **#1**.");
    const other = await slash(bot, { userId: "alice" }, "tasks list", {}).reply();
    expect(other.embeds).toHaveLength(1);
    expect(bot.logs.filter((line) => line.msg === "interaction failed")).toEqual([]);
  });
});

describe("list and search totals are capped: a LIMITed count, shown as 1,000+", () => {
  const bot = useBot({ world: TEAM_WORLD });
  beforeAll(async () => {
    await createTask(bot, { userId: "alice" }, { title: "Bulk seed 0" });
    const guildId = bot.discord.guild("HQ").id;
    const channelId = bot.discord.channel("general", "HQ").id;
    const creator = bot.discord.user("alice").id;
    // 1,100 more tasks in one statement: going through the bot would take minutes.
    await bot.app.database.db.execute(sql`
      INSERT INTO tasks (guild_id, channel_id, number, title, created_by)
      SELECT ${guildId}, ${channelId}, n, 'Bulk seed ' || n, ${creator} FROM generate_series(2, 1101) AS n`);
  }, 60_000);

  it("over 1,000 matches: the footer says 1,000+ and Next still pages on", async () => {
    const list = await slash(bot, { userId: "alice" }, "tasks list", {}).reply();
    expect(embedOf(list).footer?.text).toBe("1,000+ matched · page 1 of 100+");
    const search = await slash(bot, { userId: "alice" }, "tasks search", { query: "bulk seed" }).reply();
    expect(embedOf(search).footer?.text).toBe("1,000+ matched · page 1 of 100+");
    const next = await bot.discord
      .clickButton({ message: search.id, userId: "alice", label: "Next" })
      .reply();
    expect(embedOf(next).footer?.text).toBe("1,000+ matched · page 2 of 100+");
  });

  it("under the cap the count is exact", async () => {
    const search = await slash(bot, { userId: "alice" }, "tasks search", { query: "1101" }).reply();
    expect(embedOf(search).footer?.text).toBe("1 matched · page 1 of 1");
  });
});
