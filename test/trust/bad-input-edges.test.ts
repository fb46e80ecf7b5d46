import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createTask, isEphemeral, slash } from "../discord/support/act.ts";
import { useBot } from "../discord/support/boot-bot.ts";
import { TEAM_WORLD } from "../discord/support/world.ts";

const bot = useBot({ world: TEAM_WORLD });
let cardId: string;
beforeAll(async () => {
  const card = await createTask(bot, { userId: "alice" }, { title: "Existing task", assignee: "alice" });
  cardId = card.id;
  await settled();
}, 60_000);

/** The create's card outbox row is sent (the dispatcher would otherwise change it mid-comparison). */
async function settled(): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const result = await bot.app.database.db.execute(
      sql`SELECT count(*)::int AS n FROM outbox WHERE state = 'pending'`,
    );
    if ((result as unknown as { rows: { n: number }[] }).rows[0]!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the outbox never settled");
}

/** What a refusal must leave alone: every row of every table the bot writes. */
async function snapshot(): Promise<string> {
  const tables = ["tasks", "task_events", "task_reviews", "task_dependencies", "outbox", "task_messages"];
  const parts: unknown[] = [];
  for (const table of tables) {
    const result = await bot.app.database.db.execute(
      sql.raw(`SELECT to_jsonb(x) AS row FROM ${table} x ORDER BY 1::text`),
    );
    parts.push(table, (result as unknown as { rows: unknown[] }).rows);
  }
  return JSON.stringify(parts);
}

const noApology = () =>
  expect(bot.logs.filter((line) => line.msg === "interaction failed").map((line) => line.command)).toEqual(
    [],
  );

const TOO_BIG = "number must be a task number from 1 to 2,147,483,647";

describe("bad input: a clear sentence naming what was wrong, and nothing written", () => {
  it.each([
    ["task edit", { task: 3_000_000_000, title: "x" }, TOO_BIG],
    ["task comment", { task: 3_000_000_000, text: "x" }, TOO_BIG],
    ["task view", { task: 3_000_000_000 }, TOO_BIG],
    ["task history", { task: 9_999_999_999 }, TOO_BIG],
    ["task claim", { task: 2_147_483_648 }, TOO_BIG],
    ["task start", { task: 3_000_000_000 }, TOO_BIG],
    ["task rework", { task: 3_000_000_000, reason: "x" }, TOO_BIG],
    ["task assign", { task: 3_000_000_000, assignee: "bob" }, TOO_BIG],
    ["task depend", { task: 3_000_000_000, on: 1 }, TOO_BIG],
    [
      "task depend",
      { task: 1, on: 3_000_000_000 },
      "dependency must be a task number from 1 to 2,147,483,647",
    ],
    [
      "task create",
      { title: "x", parent: 3_000_000_000 },
      "parent must be a task number from 1 to 2,147,483,647",
    ],
    ["task create", { title: "x", due: "300000000d" }, "due must be within 10 years"],
    ["task create", { title: "x", due: `${"9".repeat(90)}m` }, "due must be within 10 years"],
    ["task edit", { task: 1, due: "99999999999999999999d" }, "due must be within 10 years"],
    ["task create", { title: "x", estimate: "300000000d" }, "estimate must be at most 365d"],
    ["task edit", { task: 1, estimate: `${"9".repeat(45)}h` }, "estimate must be at most 365d"],
  ])("/%s %j", async (command, options, expected) => {
    const before = await snapshot();
    const answer = await slash(bot, { userId: "alice" }, command, options as never).reply();
    expect(isEphemeral(answer)).toBe(true);
    expect(answer.content).toBe(expected);
    expect(await snapshot()).toBe(before);
    noApology();
  });

  it("autocomplete with a number past 2³¹−1 answers no suggestions, and nothing fails", async () => {
    for (const value of ["9999999999", "#2147483648", "99999999999999999999"]) {
      const choices = await bot.discord
        .autocomplete({
          guildId: "HQ",
          channelId: "general",
          userId: "alice",
          name: "task",
          subcommand: "view",
          focused: "task",
          options: { task: value },
        })
        .choices();
      expect(choices, value).toEqual([]);
    }
    expect(bot.logs.filter((line) => line.level >= 50)).toEqual([]);
  });

  it("forged modals missing their field are named back; nothing is written", async () => {
    const before = await snapshot();
    const card = bot.discord.message(cardId)!;
    const approveId = (card.components[0]!.components as { custom_id: string }[])[0]!.custom_id;
    const taskId = approveId.split(":")[2];
    const rework = await bot.discord
      .submitModal({
        userId: "rita",
        unchecked: true,
        channelId: "general",
        guildId: "HQ",
        customId: `t1:rework-reason:${taskId}:1`,
        fields: { note: "no reason field here" },
      })
      .reply();
    // Refused before its field is read (the task is not in review, or the form is not from a card): a sentence.
    expect(isEphemeral(rework)).toBe(true);
    expect(rework.content).not.toMatch(/something went wrong/);
    expect(rework.content.length).toBeGreaterThan(10);
    const create = await bot.discord
      .submitModal({
        userId: "alice",
        unchecked: true,
        channelId: "general",
        guildId: "HQ",
        customId: "t1:create-task",
        fields: { description: "where is the title?" },
      })
      .reply();
    expect(create.content).toBe(
      "The form arrived without its title field; open it again and resubmit. Nothing was changed.",
    );
    expect(await snapshot()).toBe(before);
    noApology();
  });
});
