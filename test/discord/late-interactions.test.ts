import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "../../src/store/raw.ts";
import { slash } from "./support/act.ts";
import { useBot, waitForLog } from "./support/boot-bot.ts";
import { TEAM_WORLD } from "./support/world.ts";

// The bot's interaction clock runs ahead of the stand-in's: by 10 s from the start (a host clock that is
// off), then by 10 s more all at once (interactions reaching it 10 s after Discord made them, as when
// queued behind an overloaded bot).
let aheadMs = 10_000;
const bot = useBot({ world: TEAM_WORLD, interactionClock: () => new Date(Date.now() + aheadMs) });

describe("an interaction that reaches the bot after Discord's window (stand-in, real Postgres and Redis)", () => {
  it("a host clock 10 s ahead of Discord's still answers: the window is judged on Discord's clock", async () => {
    const card = await slash(bot, { userId: "alice" }, "task create", { title: "In time" }).reply();
    expect(JSON.stringify(card.embeds)).toContain("In time");
  });

  it("is dropped before any work: no answer, no task, not even a claim; logged once as expired", async () => {
    aheadMs += 10_000;
    const handle = slash(bot, { userId: "alice" }, "task create", { title: "Too late to matter" });
    const line = await waitForLog(
      bot,
      (l) => l.msg === "interaction" && l.interactionId === handle.record.id,
    );
    expect(line).toMatchObject({ outcome: "expired", command: "task create" });
    expect(handle.record.callback).toBeUndefined();
    const tasks = await queryRows<{ n: number }>(
      bot.app.database.db,
      sql`SELECT count(*)::int AS n FROM tasks WHERE title = 'Too late to matter'`,
    );
    expect(tasks[0]!.n).toBe(0);
    const claims = await queryRows<{ n: number }>(
      bot.app.database.db,
      sql`SELECT count(*)::int AS n FROM handled_events WHERE event_id = ${handle.record.id}`,
    );
    expect(claims[0]!.n).toBe(0);
    expect(bot.logs.filter((l) => l.level >= 50)).toEqual([]);
  });
});
