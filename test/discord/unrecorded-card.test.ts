import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { systemReader } from "../../src/services/actors.ts";
import { createTask, currentMessage, embedOf, fieldOf, slash } from "./support/act.ts";
import { useBot } from "./support/boot-bot.ts";
import { TEAM_WORLD } from "./support/world.ts";

const bot = useBot({ world: TEAM_WORLD });

const db = () => bot.app.database.db;
const cardsOf = (number: number) =>
  bot.discord
    .channelMessages("general", "HQ")
    .filter(
      (message) =>
        message.author.id === bot.discord.botUser.id && embedOf(message)?.title?.startsWith(`#${number} `),
    );

/**
 * The window issue 17 names: the create's reply (the card) reached the channel, then the database
 * failed before the card's message was recorded. Here Postgres refuses the recording write (a trigger),
 * the way a dying server would, and is healthy again right after.
 */
describe("a new task's card posted but not recorded", () => {
  it("is adopted by the outbox when its placeholder goes stale: never a second card", async () => {
    await db().execute(sql`
      CREATE FUNCTION refuse_card_record() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the database went away'; END $$`);
    await db().execute(sql`
      CREATE TRIGGER refuse_card_record BEFORE UPDATE ON task_messages FOR EACH ROW
        WHEN (NEW.message_id <> 'pending') EXECUTE FUNCTION refuse_card_record()`);
    const card = await createTask(bot, { userId: "alice" }, { title: "Renew the certificate" });
    expect(fieldOf(card, "Status")).toBe("Open");
    // The handler has tried to record the card (and failed) before the database is healthy again.
    while (bot.app.runner.inFlight() > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await db().execute(sql`DROP TRIGGER refuse_card_record ON task_messages`);
    await db().execute(sql`DROP FUNCTION refuse_card_record()`);

    // The change that follows is what the outbox must show: on the card already in the channel.
    await slash(bot, { userId: "alice" }, "task edit", { task: 1, priority: "critical" }).reply();
    // A minute later the placeholder counts as a poster that died (aged here instead of waited for).
    await db().execute(sql`UPDATE task_messages SET updated_at = now() - interval '61 seconds'`);
    const recorded = async () =>
      (
        (await db().execute(sql`SELECT message_id FROM task_messages`)) as unknown as {
          rows: { message_id: string }[];
        }
      ).rows.map((row) => row.message_id);
    const deadline = Date.now() + 30_000;
    const settled = (ids: string[]) => ids.length > 0 && !ids.includes("pending");
    while (!settled(await recorded()) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await bot.app.outbox()!.drain();

    // One card, the reply, on record and showing the change.
    expect(cardsOf(1).map((message) => message.id)).toEqual([card.id]);
    expect(await recorded()).toEqual([card.id]);
    expect(fieldOf(currentMessage(bot, card.id), "Priority")).toBe("Critical");
    const task = await bot.app.services.tasks.get(systemReader(bot.discord.guild("HQ").id), 1);
    expect(task.priority).toBe("critical");
  }, 60_000);
});
