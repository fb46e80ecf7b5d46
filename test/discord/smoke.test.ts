import { afterAll, beforeAll, expect, it } from "vitest";
import { type BotUnderTest, bootBot } from "./support/boot-bot.ts";
import { TEAM_WORLD } from "./support/world.ts";

let bot: BotUnderTest;
beforeAll(async () => {
  bot = await bootBot({ world: TEAM_WORLD });
});
afterAll(async () => {
  await bot?.stop();
});

it("creates a task and posts its card", async () => {
  const handle = bot.discord.sendSlashCommand({
    guildId: "HQ",
    channelId: "general",
    userId: "alice",
    name: "task",
    subcommand: "create",
    options: { title: "Fix login" },
  });
  const reply = await handle.reply();
  console.log(JSON.stringify(reply, null, 1));
  console.log(bot.logs.filter((l) => l.level >= 40));
  expect(reply.embeds[0]?.title).toBe("#1 · Fix login");
});
