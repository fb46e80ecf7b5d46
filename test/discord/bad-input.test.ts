import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createTask, isEphemeral, slash } from "./support/act.ts";
import { useBot, waitForLog } from "./support/boot-bot.ts";
import { TEAM_WORLD } from "./support/world.ts";

const bot = useBot({ world: TEAM_WORLD });
beforeAll(async () => {
  await createTask(bot, { userId: "alice" }, { title: "Existing task" });
});

const APOLOGY = /something went wrong/;

/** Runs a command and answers the (ephemeral) sentence the user sees. */
async function refusal(userId: string, command: string, options: Record<string, string | number | boolean>) {
  const answer = await slash(bot, { userId }, command, options).reply();
  expect(isEphemeral(answer), `${command} answers only the actor`).toBe(true);
  expect(answer.content).not.toMatch(APOLOGY);
  expect(answer.embeds).toEqual([]);
  return answer.content;
}

describe("every option's bad values get a clear ephemeral sentence", () => {
  it.each([
    ["title of spaces only", { title: "   " }, /title/],
    ["too many labels", { title: "x", labels: "a,b,c,d,e,f,g,h,i,j,k" }, /labels must have at most 10/],
    [
      "a label too long",
      { title: "x", labels: `ok, ${"l".repeat(40)}` },
      /labels must each be at most 32 characters/,
    ],
    ["a label with odd characters", { title: "x", labels: "bug!" }, /labels may only use/],
    ["a due date that is no date", { title: "x", due: "next-ish" }, /due must be a date like/],
    ["a due date that does not exist", { title: "x", due: "2031-02-30" }, /due must be a date like/],
    ["a due date in the past", { title: "x", due: "2001-01-01" }, /due must not be in the past/],
    [
      "an estimate that is no duration",
      { title: "x", estimate: "soon" },
      /estimate must look like 90m, 2h or 1d/,
    ],
    ["an unknown parent", { title: "x", parent: 9999 }, /#9999/],
    [
      "depends-on that are not numbers",
      { title: "x", "depends-on": "3, soon" },
      /depends-on must be task numbers/,
    ],
    ["depends-on an unknown task", { title: "x", "depends-on": "9999" }, /#9999/],
  ])("/task create with %s", async (_what, options, expected) => {
    expect(await refusal("alice", "task create", options)).toMatch(expected);
  });

  it("titles and texts too long never reach the bot: Discord's client enforces the definitions' limits", () => {
    expect(() => slash(bot, { userId: "alice" }, "task create", { title: "t".repeat(201) })).toThrow(
      /at most 200/,
    );
    expect(() =>
      slash(bot, { userId: "alice" }, "task comment", { task: 1, text: "c".repeat(1001) }),
    ).toThrow(/at most 1000/);
    expect(() => slash(bot, { userId: "alice" }, "tasks search", { query: "q".repeat(201) })).toThrow(
      /at most 200/,
    );
  });

  it.each([
    ["task view", { task: 9999 }],
    ["task history", { task: 9999 }],
    ["task start", { task: 9999 }],
    ["task claim", { task: 9999 }],
    ["task approve", { task: 9999 }],
    ["task rework", { task: 9999, reason: "x" }],
    ["task block", { task: 9999, reason: "x" }],
    ["task comment", { task: 9999, text: "hello" }],
    ["task edit", { task: 9999, title: "new" }],
    ["task depend", { task: 1, on: 9999 }],
  ])("/%s naming an unknown task", async (command, options) => {
    expect(await refusal("alice", command, options)).toBe("There is no task #9999 in this server.");
  });

  it("empty reasons, notes and comments, and edits that change nothing", async () => {
    expect(await refusal("alice", "task comment", { task: 1, text: "   " })).toMatch(/can't be empty/);
    expect(await refusal("alice", "task block", { task: 1, reason: "  " })).toMatch(/reason is required/);
    expect(await refusal("alice", "task edit", { task: 1 })).toBe(
      "Nothing to change: give at least one field, e.g. title or priority.",
    );
    expect(await refusal("alice", "task edit", { task: 1, due: "whenever" })).toMatch(/due must be a date/);
    expect(await refusal("alice", "tasks search", { query: "   " })).toBe("query can't be empty.");
  });

  it("a dependency on itself or in a cycle is refused", async () => {
    expect(await refusal("alice", "task depend", { task: 1, on: 1 })).toMatch(/itself|cycle/);
    const second = await createTask(bot, { userId: "alice" }, { title: "Second", "depends-on": "1" });
    expect(second.embeds).toHaveLength(1);
    expect(await refusal("alice", "task depend", { task: 1, on: 2 })).toMatch(/cycle|circular|loop/i);
  });

  it("/tasklane refuses members without Manage Channels (config) or Manage Server (agents)", async () => {
    const CHANNEL = "Only members who can manage this channel can see or change its Tasklane settings.";
    const SERVER = "Only members who can manage the server can see or change its agents.";
    for (const [command, options, refusal] of [
      ["tasklane config", {}, CHANNEL],
      ["tasklane config", { "queue-limit": 3 }, CHANNEL],
      ["tasklane agent list", {}, SERVER],
      ["tasklane agent add", { user: "bob" }, SERVER],
      ["tasklane agent remove", { user: "bob" }, SERVER],
    ] as const) {
      // Server admins can change who sees /tasklane; the bot checks regardless.
      const answer = await slash(bot, { userId: "mallory", unchecked: true }, command, options).reply();
      expect(answer.content, command).toBe(refusal);
    }
    const lead = await slash(bot, { userId: "lee" }, "tasklane config", {}).reply();
    expect(lead.embeds).toHaveLength(1);
    // Manage Channels is not Manage Server: the lead may configure channels, not the server's agents.
    const agents = await slash(bot, { userId: "lee" }, "tasklane agent list", {}).reply();
    expect(agents.content).toBe(SERVER);
  });

  it("/tasklane option values out of range are refused by Discord's client before the bot sees them", () => {
    expect(() => slash(bot, { userId: "olivia" }, "tasklane config", { "max-attempts": 0 })).toThrow(
      /at least 1/,
    );
    expect(() => slash(bot, { userId: "olivia" }, "tasklane config", { "lease-minutes": 20_000 })).toThrow(
      /at most 10080/,
    );
  });
});

describe("autocomplete", () => {
  it("answers at most 25 choices, live tasks first, for task, parent and on", async () => {
    for (let i = 0; i < 30; i += 1) await createTask(bot, { userId: "bob" }, { title: `Bulk item ${i}` });
    for (const [subcommand, focused, options] of [
      ["view", "task", { task: "" }],
      ["create", "parent", { title: "x", parent: "" }],
      ["depend", "on", { task: 1, on: "" }],
    ] as const) {
      const handle = bot.discord.autocomplete({
        guildId: "HQ",
        channelId: "general",
        userId: "alice",
        name: "task",
        subcommand,
        focused,
        options,
      });
      const choices = await handle.choices();
      expect(choices.length, `${subcommand} ${focused}`).toBe(25);
      for (const choice of choices) {
        expect(choice.name.length).toBeLessThanOrEqual(100);
        expect(typeof choice.value).toBe("number");
      }
      expect(handle.latencyMs!).toBeLessThan(3000);
    }
  });

  it("matches a number prefix or words of the title", async () => {
    const byWords = await bot.discord
      .autocomplete({
        guildId: "HQ",
        channelId: "general",
        userId: "alice",
        name: "task",
        subcommand: "view",
        focused: "task",
        options: { task: "bulk item 7" },
      })
      .choices();
    expect(byWords[0]!.name).toMatch(/^#\d+ · Bulk item 7 \(Open\)$/);
    const byNumber = await bot.discord
      .autocomplete({
        guildId: "HQ",
        channelId: "general",
        userId: "alice",
        name: "task",
        subcommand: "view",
        focused: "task",
        options: { task: "1" },
      })
      .choices();
    expect(byNumber.map((choice) => choice.value)).toContain(1);
    expect(byNumber.every((choice) => String(choice.value).startsWith("1"))).toBe(true);
  });
});

describe("anything unexpected", () => {
  it("gets a short apology with a reference that is in the logs, never the internal message", async () => {
    await bot.app.database.db.execute(sql`ALTER TABLE task_events RENAME TO task_events_hidden`);
    try {
      const answer = await slash(bot, { userId: "alice" }, "task history", { task: 1 }).reply();
      expect(isEphemeral(answer)).toBe(true);
      const ref = answer.content.match(
        /^Sorry, something went wrong on our side \(ref `([0-9A-F]{8})`\)\.$/,
      )?.[1];
      expect(ref, answer.content).toMatch(/^[0-9A-F]{8}$/);
      expect(answer.content).not.toMatch(/task_events|relation|sql/i);
      const logged = await waitForLog(bot, (line) => line.ref === ref && line.msg === "interaction failed");
      expect(logged).toMatchObject({ command: "task history", userId: bot.discord.user("alice").id });
      expect(logged!.err).toMatchObject({ message: expect.stringContaining("task_events") });
      const outcome = await waitForLog(
        bot,
        (line) => line.msg === "interaction" && line.interactionId === logged.interactionId,
      );
      expect(outcome).toMatchObject({ outcome: "error", guildId: bot.discord.guild("HQ").id });
      expect(typeof outcome!.ms).toBe("number");
    } finally {
      await bot.app.database.db.execute(sql`ALTER TABLE task_events_hidden RENAME TO task_events`);
    }
  });
});
