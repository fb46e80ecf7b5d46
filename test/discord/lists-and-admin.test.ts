import { beforeAll, describe, expect, it } from "vitest";
import { systemReader } from "../../src/services/actors.ts";
import { buttonLabels, createTask, customIds, embedOf, isEphemeral, slash } from "./support/act.ts";
import { useBot } from "./support/boot-bot.ts";
import { TEAM_WORLD } from "./support/world.ts";

const bot = useBot({ world: TEAM_WORLD });
beforeAll(async () => {
  for (let i = 1; i <= 23; i += 1) {
    await createTask(
      bot,
      { userId: "alice" },
      { title: `General chore ${i}`, priority: i % 4 === 0 ? "critical" : "low" },
    );
  }
  await createTask(bot, { userId: "bob", channelId: "backend" }, { title: "Backend chore", labels: "db" });
});

const lines = (message: { embeds: unknown[] }) =>
  (embedOf(message as never).description ?? "").split("\n").filter((line) => line.startsWith("**#"));
const isDisabled = (message: { components: unknown[] }, label: string) =>
  (message.components as { components: { label: string; disabled?: boolean }[] }[])
    .flatMap((row) => row.components)
    .find((button) => button.label === label)?.disabled === true;

describe("lists", () => {
  it("/tasks list pages with Previous/Next through keyset pages and says how many matched", async () => {
    const handle = slash(bot, { userId: "alice" }, "tasks list");
    expect((await handle.callback()).type).toBe(4); // the list itself, in one call: no "thinking…" first
    const first = await handle.reply();
    expect(isEphemeral(first)).toBe(true);
    expect(embedOf(first).title).toBe("Tasks (live) in this channel");
    expect(embedOf(first).footer?.text).toBe("23 matched · page 1 of 3");
    expect(lines(first)).toHaveLength(10);
    expect(buttonLabels(first)).toEqual(["Previous", "Next"]);
    expect(isDisabled(first, "Previous")).toBe(true);

    const second = await bot.discord
      .clickButton({ message: first.id, userId: "alice", label: "Next" })
      .reply();
    expect(second.id).toBe(first.id);
    expect(embedOf(second).footer?.text).toBe("23 matched · page 2 of 3");
    expect(lines(second)).toHaveLength(10);
    expect(lines(second).some((line) => lines(first).includes(line))).toBe(false);

    const third = await bot.discord
      .clickButton({ message: first.id, userId: "alice", label: "Next" })
      .reply();
    expect(lines(third)).toHaveLength(3);
    expect(isDisabled(third, "Next")).toBe(true);
    const numbers = [...lines(first), ...lines(second), ...lines(third)].map(
      (line) => line.match(/^\*\*#(\d+)/)![1],
    );
    expect(new Set(numbers).size).toBe(23);

    const back = await bot.discord
      .clickButton({ message: first.id, userId: "alice", label: "Previous" })
      .reply();
    expect(lines(back)).toEqual(lines(second));

    const other = await bot.discord
      .clickButton({ message: first.id, userId: "bob", customId: customIds(back)[1]!, unchecked: true })
      .reply();
    expect(other.content).toBe("This list belongs to someone else; run the command yourself.");
  });

  it("filters: scope server, priority, label, status", async () => {
    const server = await slash(bot, { userId: "alice" }, "tasks list", { scope: "server" }).reply();
    expect(embedOf(server).footer?.text).toMatch(/^24 matched/);
    const critical = await slash(bot, { userId: "alice" }, "tasks list", { priority: "critical" }).reply();
    expect(embedOf(critical).footer?.text).toMatch(/^5 matched/);
    const labelled = await slash(bot, { userId: "alice" }, "tasks list", {
      label: "db",
      scope: "server",
    }).reply();
    expect(lines(labelled)).toEqual([expect.stringContaining("Backend chore")]);
    const done = await slash(bot, { userId: "alice" }, "tasks list", { status: "done" }).reply();
    expect(embedOf(done).description).toBe("No task matches.");
    expect(done.components).toEqual([]);
  });

  it("/tasks mine, queue, search and stats", async () => {
    await slash(bot, { userId: "bob" }, "task claim", { task: 3 }).reply();
    const mine = await slash(bot, { userId: "bob" }, "tasks mine").reply();
    expect(lines(mine)).toEqual([expect.stringMatching(/^\*\*#3\*\* General chore 3/)]);

    await slash(bot, { userId: "olivia" }, "tasklane config", { "queue-limit": 50 }).reply();
    const queue = await slash(bot, { userId: "alice" }, "tasks queue").reply();
    expect(embedOf(queue).description).toContain("23 live / limit 50");
    expect(lines(queue)[0]).toMatch(/Critical/); // critical first, then oldest

    const search = await slash(bot, { userId: "alice" }, "tasks search", { query: "backend" }).reply();
    expect(lines(search)).toEqual([expect.stringContaining("Backend chore")]);

    const stats = await slash(bot, { userId: "alice" }, "tasks stats", { scope: "server" }).reply();
    const fields = (embedOf(stats).fields ?? []).map((field) => field.name);
    expect(fields).toEqual([
      "By status",
      "By priority",
      "Reviews pending",
      "Overdue",
      "Labels",
      "Assignees",
      "Estimates vs actual",
      "Oldest open",
    ]);
    expect(embedOf(stats).fields![0]!.value).toContain("Open: 24");
  });

  it("a full channel refuses a new task, naming the limit", async () => {
    await slash(bot, { userId: "olivia", channelId: "backend" }, "tasklane config", {
      "queue-limit": 1,
    }).reply();
    const refused = await slash(bot, { userId: "bob", channelId: "backend" }, "task create", {
      title: "One too many",
    }).reply();
    expect(isEphemeral(refused)).toBe(true);
    expect(refused.content).toContain("limit 1");
    const cleared = await slash(bot, { userId: "olivia", channelId: "backend" }, "tasklane config", {
      "queue-limit": 0,
    }).reply();
    expect(embedOf(cleared).fields?.find((field) => field.name === "queue-limit")?.value).toBe("no limit");
  });
});

describe("/tasklane", () => {
  it("config with no option shows the settings; agents are added, listed and removed", async () => {
    const shown = await slash(bot, { userId: "lee" }, "tasklane config").reply();
    expect(isEphemeral(shown)).toBe(true);
    expect(embedOf(shown).title).toBe("Channel settings");

    const added = await slash(bot, { userId: "olivia" }, "tasklane agent add", {
      user: "bob",
      labels: "db, api",
      "max-concurrent": 2,
    }).reply();
    expect(added.content).toContain("Agent registered");
    const list = await slash(bot, { userId: "olivia" }, "tasklane agent list").reply();
    expect(embedOf(list).description).toContain(`<@${bot.discord.user("bob").id}> · \`db\` \`api\``);
    await slash(bot, { userId: "olivia" }, "tasklane agent remove", { user: "bob" }).reply();
    const empty = await slash(bot, { userId: "olivia" }, "tasklane agent list").reply();
    expect(embedOf(empty).footer?.text).toBe("0 registered");
  });
});

describe("Create task from message", () => {
  it("opens the create form prefilled from the message, and posts the card", async () => {
    const source = bot.discord.sendMessage({
      guildId: "HQ",
      channelId: "general",
      authorId: "bob",
      content: "Login times out on Safari\nSteps: open /login, wait 30 s.",
    });
    const opened = bot.discord.sendMessageContextMenu({
      guildId: "HQ",
      channelId: "general",
      userId: "alice",
      name: "Create task from message",
      message: source.id,
    });
    const form = await opened.modal();
    expect(form.title).toBe("Create task from message");
    const inputs = JSON.stringify(form.components);
    expect(inputs).toContain("Login times out on Safari");
    expect(inputs).toContain(
      `https://discord.com/channels/${bot.discord.guild("HQ").id}/${source.channel_id}/${source.id}`,
    );

    const card = await bot.discord
      .submitModal({ userId: "alice", fields: { labels: "safari, auth" } })
      .reply();
    expect(isEphemeral(card)).toBe(false);
    expect(embedOf(card).title).toMatch(/^#\d+ · Login times out on Safari$/);
    expect(embedOf(card).description).toContain("Steps: open /login, wait 30 s.");
    expect(buttonLabels(card)).toEqual(["Claim"]);
    const number = Number(embedOf(card).title!.match(/^#(\d+)/)![1]);
    const history = await bot.app.services.tasks.history(systemReader(bot.discord.guild("HQ").id), number);
    expect(history.items.map((event) => event.source)).toEqual(["context_menu"]);
  });
});
