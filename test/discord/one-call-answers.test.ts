import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { SHOWN_BY_POST } from "../../src/store/task-messages.ts";
import { type ApiMessage, CallbackType } from "../stand-in/index.ts";
import { createTask, customIds, fieldOf, isEphemeral, slash } from "./support/act.ts";
import { useBot } from "./support/boot-bot.ts";
import { holdRowsFor } from "./support/hold-row.ts";
import { TEAM_WORLD } from "./support/world.ts";

const bot = useBot({ world: TEAM_WORLD });

const taskIdOf = (card: ApiMessage) => Number(customIds(card)[0]!.split(":")[2]);

/** Holds the card's task row for `ms`, as another writer would. */
const holdTask = (card: ApiMessage, ms: number) =>
  holdRowsFor(bot.app.database, sql`SELECT 1 FROM tasks WHERE id = ${taskIdOf(card)} FOR UPDATE`, ms);

const edits = (events: readonly { kind: string }[]) =>
  events.filter((e) => e.kind === "original-edited" || e.kind === "message-edited");

describe("answers in one call (stand-in, real Postgres and Redis)", () => {
  it("a click on a card updates it in the click's own callback, with no deferral and no edit after it", async () => {
    const card = await createTask(bot, { userId: "alice" }, { title: "Answer me at once" });
    const handle = bot.discord.clickButton({ message: card.id, userId: "alice", label: "Claim" });
    const callback = await handle.callback();
    expect(callback.type).toBe(CallbackType.UpdateMessage);
    const shown = await handle.reply();
    expect(shown.id).toBe(card.id);
    expect(fieldOf(shown, "Assignee")).toBe(`<@${bot.discord.user("alice").id}>`);
    expect(edits(handle.events)).toEqual([]);
  });

  it("a click's change records the card's new version itself: no mark before the update; a change that waited on a held row marks it after", async () => {
    const cards = bot.app.services.cards;
    const markRendered = cards.markRendered;
    let marks = 0;
    cards.markRendered = (...args) => {
      marks += 1;
      return markRendered(...args);
    };
    try {
      const card = await createTask(bot, { userId: "alice" }, { title: "Marked by its change" });
      const taskId = taskIdOf(card);
      const shown = await bot.discord
        .clickButton({ message: card.id, userId: "alice", label: "Claim" })
        .reply();
      expect(fieldOf(shown, "Assignee")).toBe(`<@${bot.discord.user("alice").id}>`);
      expect(marks).toBe(0);
      expect(await cards.find(taskId)).toMatchObject({ messageId: card.id, renderedVersion: 2 });

      const held = await createTask(bot, { userId: "alice" }, { title: "Marked after its change" });
      const holder = await holdTask(held, 300);
      const after = await bot.discord
        .clickButton({ message: held.id, userId: "bob", label: "Claim" })
        .reply();
      await holder.released;
      expect(fieldOf(after, "Assignee")).toBe(`<@${bot.discord.user("bob").id}>`);
      expect(marks).toBe(1);
      expect(await cards.find(taskIdOf(held))).toMatchObject({ messageId: held.id, renderedVersion: 2 });
    } finally {
      cards.markRendered = markRendered;
    }
  });

  it("a create's reply is its card, and that reply settles the card's outbox row: no second card, no dispatcher pass", async () => {
    const card = await createTask(bot, { userId: "alice" }, { title: "Posted by its reply" });
    const taskId = taskIdOf(card);
    // The reply is recorded (and its row settled) once Discord has answered the callback.
    const cardRows = async () =>
      (
        (await bot.app.database.db.execute(
          sql`SELECT state, last_error, discord_message_id, attempts FROM outbox WHERE task_id = ${taskId} AND kind = 'card'`,
        )) as unknown as { rows: unknown[] }
      ).rows;
    await expect
      .poll(cardRows)
      .toEqual([{ state: "sent", last_error: SHOWN_BY_POST, discord_message_id: card.id, attempts: 0 }]);
    const cards = bot.discord
      .channelMessages("general", "HQ")
      .filter((message) => String(message.embeds[0]?.title ?? "").includes("Posted by its reply"));
    expect(cards.map((message) => message.id)).toEqual([card.id]);
  });

  it("a list is the reply itself: ephemeral, in one call", async () => {
    await createTask(bot, { userId: "alice" }, { title: "Something to list" });
    const handle = slash(bot, { userId: "bob" }, "tasks list");
    const callback = await handle.callback();
    expect(callback.type).toBe(CallbackType.ChannelMessage);
    expect(isEphemeral(await handle.reply())).toBe(true);
    expect(edits(handle.events)).toEqual([]);
  });

  it("a click whose change is slow (its row held for 2 s) is deferred as an update, then the card shows it", async () => {
    const card = await createTask(bot, { userId: "alice" }, { title: "Held by someone else" });
    const holder = await holdTask(card, 2_000);
    const handle = bot.discord.clickButton({ message: card.id, userId: "bob", label: "Claim" });
    const callback = await handle.callback({ timeoutMs: 3_000 });
    expect(callback.type).toBe(CallbackType.DeferredUpdateMessage);
    const shown = await handle.reply({ timeoutMs: 6_000 });
    await holder.released;
    expect(shown.id).toBe(card.id);
    expect(fieldOf(shown, "Assignee")).toBe(`<@${bot.discord.user("bob").id}>`);
  }, 20_000);
});
