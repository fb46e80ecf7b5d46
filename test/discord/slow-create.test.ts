import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/store/raw.ts";
import { createTask, slash } from "./support/act.ts";
import { useBot } from "./support/boot-bot.ts";
import { holdRowsFor } from "./support/hold-row.ts";
import { TEAM_WORLD } from "./support/world.ts";

const bot = useBot({ world: TEAM_WORLD });
beforeAll(async () => {
  await createTask(bot, { userId: "alice" }, { title: "First, so the server has its counter row" });
});

describe("a create slower than Discord's window (stand-in, real Postgres and Redis)", () => {
  it("is deferred for the actor alone, then confirmed; one task, and its card still reaches the channel", async () => {
    const channelId = bot.discord.channel("general", "HQ").id;
    const guildId = bot.discord.guild("HQ").id;
    // Something holds the server's task numbering (another instance's create stuck before its commit) for 2.6 s.
    const holder = await holdRowsFor(
      bot.app.database,
      sql`SELECT 1 FROM guild_counters WHERE guild_id = ${guildId} FOR UPDATE`,
      2_600,
    );
    const handle = slash(bot, { userId: "bob" }, "task create", { title: "Made while the lane was busy" });
    const callback = await handle.callback({ timeoutMs: 3_000 });
    expect(callback.type).toBe(5); // deferred: "thinking…"
    expect((callback.data as { flags?: number }).flags! & 64).toBe(64); // only bob sees it
    const reply = await handle.reply({ timeoutMs: 6_000 });
    await holder.released;
    expect(reply.content).toMatch(/^Created \*\*#2\*\*; its card is on its way to the channel\.$/);
    expect(reply.flags & 64).toBe(64);
    const rows = await queryRows<{ n: number }>(
      bot.app.database.db,
      sql`SELECT count(*)::int AS n FROM tasks WHERE title = 'Made while the lane was busy'`,
    );
    expect(rows[0]!.n).toBe(1);
    const card = await bot.discord.waitForMessage(
      {
        channelId,
        sentBy: "bot",
        where: (message) => String(message.embeds[0]?.title ?? "").startsWith("#2"),
      },
      { timeoutMs: 25_000 },
    );
    expect(card.flags & 64).toBe(0);
  }, 40_000);
});
