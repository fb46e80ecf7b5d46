import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CSV_COLUMNS } from "../../src/services/transfers/export-formats.ts";
import { slash } from "../discord/support/act.ts";
import { useBot } from "../discord/support/boot-bot.ts";
import { TEAM_WORLD } from "../discord/support/world.ts";

const TAGGED = readFileSync(new URL("./fixtures/tasks-tagged.json", import.meta.url), "utf8");
const file = (content: string, filename = "tasks.json") => ({
  filename,
  content,
  contentType: "application/json",
});

/** RFC 4180, as a spreadsheet reads it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 1;
    } else field += char;
  }
  return rows;
}

async function attachmentOf(message: { attachments: unknown[] }) {
  const [attachment] = message.attachments as { filename: string; url: string }[];
  if (!attachment) throw new Error("the answer has no file");
  return { filename: attachment.filename, text: await (await fetch(attachment.url)).text() };
}

describe("/tasks import and /tasks export through the stand-in", () => {
  const bot = useBot({ world: TEAM_WORLD });
  const botCards = () =>
    bot.discord.channelMessages("backend").filter((message) => message.author.id === bot.discord.botUser.id);

  it("is for those who can manage the channel: a member is refused and nothing is written", async () => {
    const answer = await slash(bot, { userId: "alice", channelId: "backend" }, "tasks import", {
      file: file(TAGGED),
    }).reply();
    expect(answer.flags & 64).toBe(64);
    expect(answer.content).toBe("Importing tasks needs Manage Channels in this channel (or Manage Server).");
    expect(answer.attachments).toEqual([]);
  });

  it("a broken file: the answer names the JSON path of the problem, and nothing is imported", async () => {
    const broken = JSON.parse(TAGGED);
    broken.master.tasks[2].dependencies = ["2.9"];
    const answer = await slash(bot, { userId: "lee", channelId: "backend" }, "tasks import", {
      file: file(JSON.stringify(broken)),
    }).reply();
    expect(answer.content).toBe("master.tasks[2].dependencies[0]: subtask 2.9 does not exist");
  });

  it("dry-run answers with the counts and writes nothing; the import then creates and posts the cards", async () => {
    const dry = await slash(bot, { userId: "lee", channelId: "backend" }, "tasks import", {
      file: file(TAGGED),
      "dry-run": true,
    }).reply();
    expect(dry.flags & 64).toBe(64);
    expect(dry.content).toMatch(
      /^Dry run of `tasks\.json` \(tag `master`\): would create 11 tasks \(2 open, 1 in progress, 2 in review, 3 blocked, 2 done, 1 cancelled\), update 0; 0 unchanged\. Nothing was written\.\n2 warnings:\n/,
    );
    const list = await slash(bot, { userId: "lee", channelId: "backend" }, "tasks list", {
      status: "all",
    }).reply();
    expect(JSON.stringify([list.content, list.embeds])).toContain("No task matches.");
    expect(botCards()).toEqual([]);

    const real = await slash(bot, { userId: "lee", channelId: "backend" }, "tasks import", {
      file: file(TAGGED),
    }).reply();
    expect(real.content).toMatch(
      /^Imported `tasks\.json` \(tag `master`\): created 11 tasks \(.*\), updated 0; 0 unchanged\. Their cards are being posted here\./,
    );
    await bot.discord.waitForMessage(
      { channelId: "backend", where: () => botCards().length >= 11 },
      { timeoutMs: 60_000 },
    );
    const titles = botCards().map((card) => card.embeds[0]?.title ?? "");
    expect(titles).toContainEqual(expect.stringMatching(/^#\d+ · Users and sessions tables$/));

    const again = await slash(bot, { userId: "lee", channelId: "backend" }, "tasks import", {
      file: file(TAGGED),
    }).reply();
    expect(again.content).toMatch(/created 0 tasks, updated 0; 11 unchanged\.\n/);
  }, 120_000);

  it("exports CSV: a header and one row per task, in a file only the actor gets", async () => {
    const answer = await slash(bot, { userId: "alice", channelId: "backend" }, "tasks export", {
      format: "csv",
    }).reply();
    expect(answer.flags & 64).toBe(64);
    expect(answer.content).toBe("11 all tasks in this channel, as CSV.");
    const { filename, text } = await attachmentOf(answer);
    const today = new Date().toISOString().slice(0, 10);
    expect(filename).toBe(`tasklane-${bot.discord.guild("HQ").id}-${today}.csv`);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(11);
    const byTitle = new Map(
      rows.map((row) => [row[1], Object.fromEntries(header!.map((name, i) => [name, row[i]]))]),
    );
    const subtask = byTitle.get("Users and sessions tables")!;
    const parent = byTitle.get("Design the database schema")!;
    expect(subtask).toMatchObject({ status: "done", parent: parent.number });
    expect(byTitle.get("Implement login")).toMatchObject({
      status: "blocked",
      priority: "medium",
      dependencies: `${parent.number};${subtask.number}`,
    });
  });

  it("exports JSON that round-trips: every task with its history", async () => {
    const answer = await slash(bot, { userId: "alice", channelId: "backend" }, "tasks export", {
      format: "json",
      status: "blocked",
    }).reply();
    const { filename, text } = await attachmentOf(answer);
    expect(filename).toMatch(/\.json$/);
    const document = JSON.parse(text);
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
    expect(document).toMatchObject({
      tasklane: 1,
      guildId: bot.discord.guild("HQ").id,
      filters: { status: "blocked" },
    });
    expect(document.tasks.map((task: { title: string }) => task.title).sort()).toEqual([
      "Implement login",
      "Login form",
      "Seed data for development",
    ]);
    for (const task of document.tasks) {
      expect(task.history[0]).toMatchObject({ kind: "created", source: "import", toStatus: "blocked" });
    }
  });

  it("an empty selection says so, without a file", async () => {
    const answer = await slash(bot, { userId: "alice", channelId: "general" }, "tasks export", {
      format: "csv",
      status: "failed",
    }).reply();
    expect(answer.content).toBe("No failed tasks in this channel to export.");
    expect(answer.attachments).toEqual([]);
  });
});
