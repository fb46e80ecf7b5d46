import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ReminderPayload } from "../../src/discord/delivery/agent-payload.ts";
import { readJsonBlock } from "../../src/discord/delivery/json-block.ts";
import { OVERDUE_COLOUR } from "../../src/discord/render/status-style.ts";
import { systemReader } from "../../src/services/actors.ts";
import { until } from "../agents/agent-world.ts";
import { validateJsonSchema } from "../agents/json-schema-subset.ts";
import type { ApiMessage } from "../stand-in/index.ts";
import { createTask, embedOf, fieldOf, isEphemeral, slash, waitForCard } from "./support/act.ts";
import { useBot } from "./support/boot-bot.ts";
import { TEAM_WORLD } from "./support/world.ts";

const schema = JSON.parse(
  readFileSync(new URL("../../src/discord/delivery/assignment.schema.json", import.meta.url), "utf8"),
);
const HOUR = 3_600_000;

let offset = 0;
const now = () => new Date(Date.now() + offset);
const bot = useBot({ world: TEAM_WORLD, now });

const id = (name: string) => bot.discord.user(name).id;
const general = () => bot.discord.channel("general", "HQ").id;
const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The bot's reminder messages in #general about task `number`. */
const remindersAbout = (number: number) =>
  bot.discord
    .channelMessages("general", "HQ")
    .filter((message) => message.content.includes(`reminder: **#${number}**`));

async function waitForReminder(number: number): Promise<ApiMessage> {
  return bot.discord.waitForMessage(
    { channelId: general(), where: (message) => message.content.includes(`reminder: **#${number}**`) },
    { timeoutMs: 10_000 },
  );
}

describe("time zones, reminders, overdue and repeat through Discord", () => {
  it("/tasklane config sets reminders and the server's time zone; bad values are named and change nothing", async () => {
    const bad = await slash(bot, { userId: "olivia" }, "tasklane config", {
      timezone: "Mars/Olympus",
    }).reply();
    expect(isEphemeral(bad)).toBe(true);
    expect(bad.content).toContain("timezone must be a time zone name like Europe/Berlin");
    const zero = await slash(bot, { userId: "olivia" }, "tasklane config", { "remind-before": "0m" }).reply();
    expect(zero.content).toContain("remind before must each be at least 1m");
    const shown = await slash(bot, { userId: "olivia" }, "tasklane config").reply();
    expect(fieldOf(shown, "timezone (server)")).toBe("UTC");
    expect(fieldOf(shown, "remind-before")).toBe("1d");

    const set = await slash(bot, { userId: "olivia" }, "tasklane config", {
      timezone: "Europe/Berlin",
      "remind-before": "1d,1h",
      "remind-overdue": "off",
    }).reply();
    expect(embedOf(set).title).toBe("Settings updated");
    expect(fieldOf(set, "timezone (server)")).toBe("Europe/Berlin");
    expect(fieldOf(set, "remind-before")).toBe("1d, 1h");
    expect(fieldOf(set, "remind-overdue")).toBe("off");
    const on = await slash(bot, { userId: "olivia" }, "tasklane config", { "remind-overdue": "on" }).reply();
    expect(fieldOf(on, "remind-overdue")).toBe("on");
  });

  it("a Berlin server's due:2030-03-01 17:00 is 16:00 UTC, shown as a Discord timestamp", async () => {
    const card = await createTask(
      bot,
      { userId: "alice" },
      { title: "Berlin deadline", due: "2030-03-01 17:00" },
    );
    const due = fieldOf(card, "Due")!;
    expect(due).toContain(`<t:${unix("2030-03-01T16:00:00.000Z")}:f>`);
    expect(due).toContain(`<t:${unix("2030-03-01T16:00:00.000Z")}:R>`);
    const past = await slash(bot, { userId: "alice" }, "task create", {
      title: "Too late",
      due: "2020-01-01",
    }).reply();
    expect(isEphemeral(past)).toBe(true);
    expect(past.content).toContain("due must not be in the past");
  });

  it("a due date reminds the assignee (pinging only them, with a reminder json block) and the card goes overdue", async () => {
    const card = await createTask(
      bot,
      { userId: "alice" },
      { title: "Send the invoices @everyone", due: "2h", assignee: id("bob"), repeat: "weekly" },
    );
    const number = Number(embedOf(card).title!.match(/^#(\d+)/)![1]);
    expect(embedOf(card).description).toContain("Repeats weekly");

    offset += 90 * 60_000; // an hour before the due time has passed
    await bot.app.jobs()!.runOnce();
    const before = await waitForReminder(number);
    expect(before.mentions.map((user) => user.id)).toEqual([id("bob")]);
    expect(before.mention_everyone).toBe(false);
    expect(bot.discord.storedMessage(before.id)?.allowedMentions).toEqual({ parse: [], users: [id("bob")] });
    const payload = readJsonBlock(before.content) as ReminderPayload;
    expect(validateJsonSchema(schema, payload)).toEqual([]);
    expect(payload).toMatchObject({
      type: "reminder",
      kind: "before",
      offsetMinutes: 60,
      assignee: id("bob"),
    });
    expect(payload.task).toMatchObject({ number, repeat: "weekly", overdue: false, due: payload.due });
    expect(before.content).toContain(`<t:${unix(payload.due)}:f>`);

    offset += HOUR; // past due
    await bot.app.jobs()!.runOnce();
    const overdue = await waitForCard(bot, card.id, (message) =>
      (fieldOf(message, "Due") ?? "").includes("Overdue"),
    );
    expect((overdue.embeds[0] as { color?: number }).color).toBe(OVERDUE_COLOUR);
    await bot.discord.waitForMessage(
      { channelId: general(), where: (m) => m.content.includes(`reminder: **#${number}** is due now`) },
      { timeoutMs: 10_000 },
    );
    // Each offset once, however often the job runs.
    await bot.app.jobs()!.runOnce();
    await bot.app.outbox()!.drain();
    expect(remindersAbout(number)).toHaveLength(2);

    const list = await slash(bot, { userId: "alice" }, "tasks list", { due: "overdue" }).reply();
    expect(embedOf(list).description).toContain(`**#${number}**`);
    expect(embedOf(list).description).toContain("**overdue**");
    const byDue = await slash(bot, { userId: "alice" }, "tasks list", { sort: "due" }).reply();
    expect(embedOf(byDue).title).toBe("Tasks (live, soonest due first) in this channel");
    const order = (embedOf(byDue).description ?? "")
      .split("\n")
      .map((line) => line.match(/^\*\*#(\d+)/)?.[1]);
    expect(order.slice(0, 2)).toEqual([String(number), "1"]); // overdue first, then the 2030 one
    const stats = await slash(bot, { userId: "alice" }, "tasks stats").reply();
    expect(fieldOf(stats, "Overdue")).toBe("1");

    // Skip this one: the occurrence is cancelled, the next is created and its card posted.
    const skipped = await slash(bot, { userId: "alice" }, "task cancel", {
      task: number,
      "skip-this-one": true,
    }).reply();
    expect(skipped.content).toContain(`You skipped **#${number}**`);
    const next = Number(skipped.content.match(/the next one is \*\*#(\d+)\*\*/)![1]);
    const nextCard = await bot.discord.waitForMessage(
      { channelId: general(), where: (m) => embedOf(m)?.title?.startsWith(`#${next} ·`) === true },
      { timeoutMs: 10_000 },
    );
    expect(fieldOf(nextCard, "Assignee")).toBe(`<@${id("bob")}>`);
    expect(fieldOf(nextCard, "Due")).not.toContain("Overdue");
    expect(embedOf(nextCard).description).toContain("Repeats weekly");
  });

  it("with no assignee the reminder names the creator without pinging anyone", async () => {
    const card = await createTask(bot, { userId: "alice" }, { title: "Nobody's yet", due: "30m" });
    const number = Number(embedOf(card).title!.match(/^#(\d+)/)![1]);
    offset += HOUR;
    await bot.app.jobs()!.runOnce();
    const reminder = await waitForReminder(number);
    expect(reminder.content).toContain(`<@${id("alice")}>`);
    expect(reminder.mentions).toEqual([]);
    expect(bot.discord.storedMessage(reminder.id)?.allowedMentions).toEqual({ parse: [] });
    expect((readJsonBlock(reminder.content) as ReminderPayload).assignee).toBeNull();
  });

  it("with threads on, a task's reminders land in its thread; the channel keeps the card", async () => {
    await slash(bot, { userId: "olivia", channelId: "backend" }, "tasklane config", {
      threads: true,
    }).reply();
    const card = await createTask(
      bot,
      { userId: "alice", channelId: "backend" },
      { title: "Renew the certificate", due: "30m", assignee: id("bob") },
    );
    const number = Number(embedOf(card).title!.match(/^#(\d+)/)![1]);
    const thread = await until(() => bot.discord.threadOf(card));
    const { id: taskId } = await bot.app.services.tasks.get(systemReader(bot.discord.guild("HQ").id), number);
    await until(async () => (await bot.app.services.cards.thread(taskId))?.state === "open");

    offset += HOUR;
    await bot.app.jobs()!.runOnce();
    const reminder = await bot.discord.waitForMessage(
      { channelId: thread.id, where: (m) => m.content.includes(`reminder: **#${number}** is due now`) },
      { timeoutMs: 10_000 },
    );
    expect(reminder.mentions.map((user) => user.id)).toEqual([id("bob")]);
    const inChannel = bot.discord
      .channelMessages("backend", "HQ")
      .filter((message) => message.content.includes(`reminder: **#${number}**`));
    expect(inChannel).toEqual([]);
  });
});
