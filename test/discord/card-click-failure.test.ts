import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "../../src/store/raw.ts";
import { createTask, fieldOf, waitForCard } from "./support/act.ts";
import { useBot } from "./support/boot-bot.ts";
import { TEAM_WORLD } from "./support/world.ts";

const bot = useBot({ world: TEAM_WORLD });

describe("a click whose card edit fails (stand-in, real Postgres and Redis)", () => {
  it("does not leave the card recorded as showing the change: the card still ends up showing it", async () => {
    const card = await createTask(bot, { userId: "alice" }, { title: "Edit fails after the click" });
    // Discord fails the click's in-place edit of the card (every retry of it).
    bot.discord.injectFault({
      method: "PATCH",
      route: "/webhooks/:applicationId/:token/messages/:messageId",
      status: 500,
      forMs: 3_000,
    });
    await bot.discord.clickButton({ message: card.id, userId: "alice", label: "Claim" }).callback();
    const shown = await waitForCard(bot, card.id, (message) => fieldOf(message, "Assignee") !== "Unassigned");
    expect(fieldOf(shown, "Assignee")).toContain(bot.discord.user("alice").id);
    const [row] = await queryRows<{ rendered_version: number; version: number }>(
      bot.app.database.db,
      sql`SELECT m.rendered_version, t.version FROM task_messages m JOIN tasks t ON t.id = m.task_id
          WHERE m.message_id = ${card.id}`,
    );
    expect(Number(row!.rendered_version)).toBe(Number(row!.version));
  }, 30_000);
});
