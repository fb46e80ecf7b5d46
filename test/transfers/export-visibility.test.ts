import { beforeAll, describe, expect, it } from "vitest";
import { createTask, slash } from "../discord/support/act.ts";
import { type BotUnderTest, useBot } from "../discord/support/boot-bot.ts";

/** #vault is private: only the Vault role may view it. */
const WORLD = {
  guilds: [
    {
      name: "HQ",
      owner: "olivia",
      roles: [{ name: "Vault" }],
      channels: [
        "general",
        {
          name: "vault",
          overwrites: [
            { role: "@everyone", deny: ["ViewChannel"] },
            { role: "Vault", allow: ["ViewChannel"] },
          ],
        },
      ],
      members: ["olivia", "alice", { username: "val", roles: ["Vault"] }],
    },
  ],
};

async function exported(bot: BotUnderTest, userId: string, format: "csv" | "json") {
  const answer = await slash(bot, { userId, channelId: "general" }, "tasks export", {
    format,
    scope: "server",
  }).reply();
  const [attachment] = answer.attachments as { url: string }[];
  if (!attachment) throw new Error(`no file: ${answer.content}`);
  return (await fetch(attachment.url)).text();
}

describe("/tasks export leaves out what the actor cannot see", () => {
  const bot = useBot({ world: WORLD as never });
  beforeAll(async () => {
    await createTask(
      bot,
      { userId: "alice", channelId: "general" },
      { title: "Public chore", repeat: "weekly" },
    );
    await createTask(bot, { userId: "val", channelId: "vault" }, { title: "Rotate the vault keys" });
  });

  it("a member who cannot view #vault gets only the public task, in CSV and in JSON", async () => {
    const csv = await exported(bot, "alice", "csv");
    expect(csv).toContain("Public chore");
    expect(csv).not.toContain("vault keys");
    expect(csv.trimEnd().split("\r\n")).toHaveLength(2);
    const json = JSON.parse(await exported(bot, "alice", "json"));
    expect(json.tasks.map((task: { title: string }) => task.title)).toEqual(["Public chore"]);
    expect(JSON.stringify(json)).not.toContain(bot.discord.channel("vault").id);
  });

  it("a recurring task's repeat is exported, in CSV and in JSON", async () => {
    const [header, row] = (await exported(bot, "alice", "csv")).trimEnd().split("\r\n");
    const fields = Object.fromEntries(header!.split(",").map((name, i) => [name, row!.split(",")[i]]));
    expect(fields).toMatchObject({ title: "Public chore", repeat: "weekly" });
    const json = JSON.parse(await exported(bot, "alice", "json"));
    expect(json.tasks[0]).toMatchObject({ title: "Public chore", repeat: "weekly" });
  });

  it("a member of the Vault role gets both", async () => {
    const json = JSON.parse(await exported(bot, "val", "json"));
    expect(json.tasks.map((task: { title: string }) => task.title)).toEqual([
      "Public chore",
      "Rotate the vault keys",
    ]);
  });
});
