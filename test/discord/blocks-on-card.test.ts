import { describe, expect, it } from "vitest";
import { createTask, embedOf, fieldOf, isEphemeral, slash, waitForCard } from "./support/act.ts";
import { useBot } from "./support/boot-bot.ts";
import { TEAM_WORLD } from "./support/world.ts";

const bot = useBot({ world: TEAM_WORLD });

describe("a task's card shows what it blocks as soon as that changes", () => {
  it("/task depend, /task undepend and a create with depends-on edit the blocking task's card too", async () => {
    const blocker = await createTask(bot, { userId: "alice" }, { title: "Provision the database" });
    const waiting = await createTask(bot, { userId: "alice" }, { title: "Run the migrations" });
    expect(fieldOf(blocker, "Blocks")).toBeUndefined();

    const depend = await slash(bot, { userId: "alice" }, "task depend", { task: 2, on: 1 }).reply();
    expect(isEphemeral(depend)).toBe(true);
    const blocks = await waitForCard(bot, blocker.id, (card) => fieldOf(card, "Blocks") === "#2");
    expect(embedOf(blocks).footer?.text).toMatch(/last: dependent added by Alice$/);
    await waitForCard(bot, waiting.id, (card) => (fieldOf(card, "Status") ?? "").startsWith("Blocked"));

    await slash(bot, { userId: "alice" }, "task undepend", { task: 2, on: 1 }).reply();
    await waitForCard(bot, blocker.id, (card) => fieldOf(card, "Blocks") === undefined);

    await createTask(bot, { userId: "bob" }, { title: "Seed the data", "depends-on": "1" });
    await waitForCard(bot, blocker.id, (card) => fieldOf(card, "Blocks") === "#3");

    const history = await slash(bot, { userId: "bob" }, "task history", { task: 1 }).reply();
    const lines = embedOf(history).description!.split("\n").reverse();
    expect(lines.map((line) => line.split(" · ")[2]?.split(" (")[0])).toEqual([
      "**created**",
      "**dependent added**",
      "**dependent removed**",
      "**dependent added**",
    ]);
  });
});
