import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { ReplyPayload } from "../../src/discord/delivery/agent-payload.ts";
import { systemReader } from "../../src/services/actors.ts";
import type { ApiMessage } from "../stand-in/index.ts";
import type { GuildSpec } from "../stand-in/state/world-spec.ts";
import { agentSchema, jsonOf, until as untilDefault, useAgentWorld, WORLD } from "./agent-world.ts";
import { validateJsonSchema } from "./json-schema-subset.ts";

/** Patient under a loaded machine (the suite shares two cores): what is awaited still has to happen. */
const until = <T>(probe: () => T | undefined | false | Promise<T | undefined | false>) =>
  untilDefault(probe, 20_000);
const guild: GuildSpec = {
  ...WORLD.guilds![0]!,
  channels: [
    // Threads started here stop showing after three days of quiet (the channel's default).
    { name: "lane", defaultAutoArchiveDuration: 4320 },
    "other",
    // Members may not post in the channel, only in threads: the board-and-threads layout.
    {
      name: "board",
      overwrites: [{ role: "@everyone", deny: ["SendMessages"], allow: ["SendMessagesInThreads"] }],
    },
    // Nobody (the bot included) may start threads here.
    { name: "nothreads", overwrites: [{ role: "@everyone", deny: ["CreatePublicThreads"] }] },
    {
      name: "secret",
      overwrites: [
        { role: "@everyone", deny: ["ViewChannel"] },
        { member: "Tasklane", allow: ["ViewChannel"] },
      ],
    },
  ],
};
const world = useAgentWorld({ standIn: { guilds: [guild] } });
let guildId: string;

beforeAll(async () => {
  guildId = world.discord.guild("HQ").id;
  await world.slash("alice", "tasklane", "config", {
    threads: true,
    "reviewer-role": world.discord.role("Reviewer").id,
  });
  await world.slash("alice", "tasklane", "add", { user: world.id("agent-1") }, "agent");
}, 60_000);

const bot = () => world.discord.botUser.id;
const botMessages = (channel: string) =>
  world.discord.channelMessages(channel).filter((message) => message.author.id === bot());

async function threadsOn(channel: string) {
  await world.discord
    .sendSlashCommand({
      channelId: channel,
      userId: "alice",
      name: "tasklane",
      subcommand: "config",
      options: { threads: true },
    })
    .reply();
}

async function taskOf(number: number) {
  return world.app.services.tasks.get(systemReader(guildId), number);
}

/** Creates a task by slash command in `channel`; answers its number and its card's message. */
async function create(title: string, channel = "lane"): Promise<{ number: number; card: ApiMessage }> {
  const reply = await world.discord
    .sendSlashCommand({
      channelId: channel,
      userId: "alice",
      name: "task",
      subcommand: "create",
      options: { title },
    })
    .reply({ timeoutMs: 15_000 });
  const number = Number(/#(\d+)/.exec(JSON.stringify(reply.embeds))?.[1]);
  expect(number).toBeGreaterThan(0);
  return { number, card: reply };
}

/** The thread the outbox opens on a card. */
/** The thread the outbox opens on a card, once Discord has it and the bot has recorded it. */
async function threadOn(card: ApiMessage) {
  const thread = await until(() => world.discord.threadOf(card));
  await until(async () => {
    const number = Number(/#(\d+)/.exec(thread.name)?.[1]);
    return (await world.app.services.cards.thread((await taskOf(number)).id))?.state === "open";
  });
  return thread;
}

/**
 * A mention in `channel` (a thread's id, or a channel's name); resolves with the bot's answer to it in
 * `answerIn` (its json block is a `reply`: outbox messages about the task may come first).
 */
async function mentionIn(
  channel: string,
  userId: string,
  text: string,
  answerIn = channel,
): Promise<ApiMessage> {
  const since = world.discord.messageMark();
  world.discord.sendMessage({ channelId: channel, authorId: userId, content: `${world.botMention} ${text}` });
  const isReply = (message: ApiMessage) => {
    try {
      return jsonOf(message).type === "reply";
    } catch {
      return false;
    }
  };
  return world.discord.waitForMessage(
    { sentBy: "bot", kind: "create", channelId: answerIn, where: isReply },
    { since, timeoutMs: 15_000 },
  );
}

describe("a thread per task (threads:true; stand-in, real Postgres and Redis)", () => {
  it("opens a public thread named '#N · title' on the new task's card; the card stays in the channel", async () => {
    const { number, card } = await create("Write the onboarding docs");
    const thread = await threadOn(card);
    expect(thread.id).toBe(card.id);
    expect(thread.type).toBe(11);
    expect(thread.parent_id).toBe(world.discord.channel("lane").id);
    expect(thread.name).toBe(`#${number} · Write the onboarding docs`);
    expect(thread.thread_metadata?.auto_archive_duration).toBe(4320);
    const task = await taskOf(number);
    expect(await world.app.services.cards.thread(task.id)).toMatchObject({
      state: "open",
      threadId: card.id,
    });
    // One thread, opened once: one request for it.
    const opens = world.discord.requests.find({
      method: "POST",
      route: "/channels/:channelId/messages/:messageId/threads",
    });
    expect(opens.filter((r) => r.path.includes(card.id))).toHaveLength(1);
  });

  it("keeps user text out of the thread's name: one line, at most 100 characters, no markup", async () => {
    const long = `Fix **this**\n${"and that ".repeat(20)}`;
    const { number, card } = await create(long);
    const thread = await threadOn(card);
    expect([...thread.name].length).toBeLessThanOrEqual(100);
    expect(thread.name.startsWith(`#${number} · Fix **this** and that`)).toBe(true);
    expect(thread.name).not.toContain("\n");
    expect(thread.name.endsWith("…")).toBe(true);
  });

  it("a comment, the agent's replies, the review and the rework land in the thread; assignments stay in the channel", async () => {
    const agent = world.id("agent-1");
    const { number, card } = await create("Ship the release notes");
    const thread = await threadOn(card);
    const inLaneBefore = botMessages("lane").length;

    await world.slash("alice", "task", "comment", { task: number, text: "Please keep it <@&1> short" });
    const comment = await until(() =>
      botMessages(thread.id).find((message) => message.content.includes("commented on")),
    );
    expect(comment.content).toContain(`<@${world.id("alice")}> commented on **#${number}**`);
    expect(comment.content).toContain("Please keep it");
    expect(comment.mentions).toEqual([]);
    expect(comment.mention_roles).toEqual([]);

    await world.slash("alice", "task", "assign", { task: number, assignee: agent });
    const assignment = await until(() =>
      world
        .assignmentsFor(agent)
        .find((message) => jsonOf<{ task: { number: number } }>(message).task.number === number),
    );
    expect(assignment.channel_id).toBe(world.discord.channel("lane").id);
    // The agent learns where the conversation is, in a payload the published schema accepts.
    expect(jsonOf<{ thread?: string }>(assignment).thread).toBe(thread.id);
    expect(validateJsonSchema(agentSchema, jsonOf(assignment))).toEqual([]);

    // In the task's thread the number may be left out.
    const started = await mentionIn(thread.id, agent, "start");
    expect(started.content).toMatch(new RegExp(`^Started \\*\\*#${number}\\*\\*`));
    expect(jsonOf<ReplyPayload>(started)).toMatchObject({ type: "reply", command: "start", ok: true });
    expect((await taskOf(number)).status).toBe("in_progress");

    // Said in the channel, the agent's answer still goes to the thread, naming (not pinging) the agent.
    const progress = await mentionIn("lane", agent, `progress ${number} halfway there`, thread.id);
    expect(progress.content).toMatch(new RegExp(`^<@${agent}> Progress noted on \\*\\*#${number}\\*\\*`));
    expect(progress.mentions).toEqual([]);

    const submitted = await mentionIn(thread.id, agent, "submit Wrote the notes");
    expect(submitted.content).toContain(`**#${number}** submitted for review.`);
    expect((await taskOf(number)).status).toBe("in_review");
    const ready = await until(() =>
      botMessages(thread.id).find((message) => message.content.includes("is ready for review")),
    );
    expect(ready.content).toContain(`**#${number}**`);

    await world.slash("rita", "task", "rework", { task: number, reason: "Add the upgrade steps" });
    const rework = await until(() =>
      botMessages(thread.id).find((message) => message.content.includes("needs rework")),
    );
    expect(jsonOf<{ type: string; reason: string }>(rework)).toMatchObject({
      type: "rework",
      reason: "Add the upgrade steps",
    });
    expect(rework.mentions.map((user) => user.id)).toEqual([agent]);

    // A question and its answer, in the thread: the creator pinged, then the agent.
    const question = await mentionIn(thread.id, agent, "ask Which release, 2.1 or 2.2?");
    expect(question.content).toContain(`Asked on **#${number}**`);
    const asked = await until(() =>
      botMessages(thread.id).find((message) => message.content.includes("asks about")),
    );
    expect(asked.mentions.map((user) => user.id)).toEqual([world.id("alice")]);
    await world.slash("alice", "task", "answer", { task: number, text: "2.2" });
    const answered = await until(() =>
      botMessages(thread.id).find((message) => message.content.includes("answered your question")),
    );
    expect(jsonOf<{ type: string; answer: string }>(answered)).toMatchObject({
      type: "answer",
      answer: "2.2",
    });
    expect(answered.mentions.map((user) => user.id)).toEqual([agent]);

    // The channel got the assignment (and card edits), nothing else.
    const newInLane = botMessages("lane").slice(inLaneBefore);
    expect(newInLane.map((message) => message.id)).toEqual([assignment.id]);
    // The card in the channel follows every change (back in progress after the rework).
    await until(() => JSON.stringify(world.discord.message(card.id)!.embeds).includes("In progress"));
    expect(world.discord.storedMessage(card.id)!.versions.length).toBeGreaterThan(2);
  }, 90_000);

  it("a mention in a thread with a number acts on that task (answered where it was made)", async () => {
    const agent = world.id("agent-1");
    const first = await create("First of two");
    const second = await create("Second of two");
    const thread = await threadOn(first.card);
    const viewed = await mentionIn(thread.id, agent, `view ${second.number}`);
    expect(jsonOf<ReplyPayload>(viewed).task?.number).toBe(second.number);
    const own = await mentionIn(thread.id, agent, "view");
    expect(jsonOf<ReplyPayload>(own).task?.number).toBe(first.number);
    const commented = await mentionIn(thread.id, "bob", "comment looks good to me");
    expect(commented.content).toContain(`Comment added to **#${first.number}**`);
    const history = await world.app.services.tasks.history(systemReader(guildId), first.number);
    expect(JSON.stringify(history)).toContain("looks good to me");
  });

  it("/task create typed in a task's thread files the new task in the task's channel, its card posted there", async () => {
    const { card } = await create("The parent conversation");
    const thread = await threadOn(card);
    const reply = await world.discord
      .sendSlashCommand({
        channelId: thread.id,
        userId: "alice",
        name: "task",
        subcommand: "create",
        options: { title: "Born in a thread" },
      })
      .reply({ timeoutMs: 15_000 });
    expect(reply.flags & 64).toBe(64);
    const number = Number(/\*\*#(\d+)\*\*/.exec(reply.content)?.[1]);
    const lane = world.discord.channel("lane").id;
    expect(reply.content).toBe(`Created **#${number}** in <#${lane}>; its card is on its way there.`);
    expect((await taskOf(number)).channelId).toBe(lane);
    const newCard = await until(() =>
      botMessages("lane").find((message) => JSON.stringify(message.embeds).includes("Born in a thread")),
    );
    expect(newCard.channel_id).toBe(lane);
    expect(
      botMessages(thread.id).some((message) => JSON.stringify(message.embeds).includes("Born in a thread")),
    ).toBe(false);
  });

  it("threads off: the card, comments and replies all stay in the channel, and no thread is opened", async () => {
    const { number, card } = await create("A task in the other lane", "other");
    const reply = await mentionIn("other", world.id("agent-1"), `progress ${number} on it`);
    expect(reply.channel_id).toBe(world.discord.channel("other").id);
    await world.discord
      .sendSlashCommand({
        channelId: "other",
        userId: "alice",
        name: "task",
        subcommand: "comment",
        options: { task: number, text: "noted" },
      })
      .reply();
    expect(world.discord.threadOf(card)).toBeUndefined();
    expect(await world.app.services.cards.thread((await taskOf(number)).id)).toBeNull();
  });

  it("a deleted thread is forgotten: the task's messages fall back to the channel", async () => {
    const { number, card } = await create("Lose my thread");
    const thread = await threadOn(card);
    world.discord.deleteThread(thread.id);
    await world.slash("alice", "task", "comment", { task: number, text: "anyone there?" });
    const fallback = await until(() =>
      botMessages("lane").find((message) => message.content.includes("anyone there?")),
    );
    expect(fallback.content).toContain(`commented on **#${number}**`);
    const task = await taskOf(number);
    expect(await world.app.services.cards.thread(task.id)).toMatchObject({ state: "gone" });
    // Forgotten: the task's next message goes straight to the channel, no second try at the dead thread.
    const triesBefore = world.discord.requests.entries.filter((r) =>
      r.path.includes(`/channels/${thread.id}/`),
    ).length;
    const reply = await mentionIn("lane", world.id("agent-1"), `view ${number}`);
    expect(jsonOf<ReplyPayload>(reply).task?.number).toBe(number);
    const triesAfter = world.discord.requests.entries.filter((r) =>
      r.path.includes(`/channels/${thread.id}/`),
    ).length;
    expect(triesAfter).toBe(triesBefore);
  });

  it("an archived thread is reopened by the next message; a locked one leaves it to the channel", async () => {
    const { number, card } = await create("Sleepy thread");
    const thread = await threadOn(card);
    world.discord.archiveThread(thread.id);
    await world.slash("alice", "task", "comment", { task: number, text: "wake up" });
    await until(() => botMessages(thread.id).find((message) => message.content.includes("wake up")));
    expect(world.discord.channel(thread.id).thread_metadata?.archived).toBe(false);

    world.discord.archiveThread(thread.id, { locked: true });
    await world.slash("alice", "task", "comment", { task: number, text: "locked out" });
    await until(() => botMessages("lane").find((message) => message.content.includes("locked out")));
    // Locked is not deleted: the thread is kept for when a moderator opens it again.
    expect(await world.app.services.cards.thread((await taskOf(number)).id)).toMatchObject({ state: "open" });
  });

  it("a thread in a channel the author cannot see acts on no task for them", async () => {
    await world.discord
      .sendSlashCommand({
        channelId: "secret",
        userId: "alice",
        name: "tasklane",
        subcommand: "config",
        options: { threads: true },
      })
      .reply();
    const { number, card } = await create("Top secret", "secret");
    const thread = await threadOn(card);
    const reply = await mentionIn(thread.id, "bob", "view");
    expect(reply.content).not.toContain(`#${number}`);
    expect(jsonOf<ReplyPayload>(reply)).toMatchObject({ ok: false, task: null });
  });

  it("writing from a task's thread takes Send Messages in Threads, where the channel itself is closed to members", async () => {
    await threadsOn("board");
    const { number, card } = await create("Plan the offsite", "board");
    const thread = await threadOn(card);
    const inThread = await mentionIn(thread.id, "bob", "comment count me in");
    expect(inThread.content).toContain(`Comment added to **#${number}**`);
    const fromChannel = await world.discord
      .sendSlashCommand({
        channelId: "board",
        userId: "bob",
        name: "task",
        subcommand: "comment",
        options: { task: number, text: "and from the channel" },
      })
      .reply();
    expect(fromChannel.content).toMatch(/can't send messages in/);
    const history = JSON.stringify(await world.app.services.tasks.history(systemReader(guildId), number));
    expect(history).toContain("count me in");
    expect(history).not.toContain("and from the channel");
  });

  it("where the bot may not start threads, the task has none and its conversation stays in the channel", async () => {
    await threadsOn("nothreads");
    const { number, card } = await create("No room for threads", "nothreads");
    const task = await taskOf(number);
    await until(async () => (await world.app.services.cards.thread(task.id))?.state === "gone");
    expect(world.discord.threadOf(card)).toBeUndefined();
    const reply = await mentionIn("nothreads", world.id("agent-1"), `view ${number}`);
    expect(reply.message_reference?.message_id).toMatch(/^\d{17,20}$/);
    expect(jsonOf<ReplyPayload>(reply).task?.number).toBe(number);
  });

  it("a new title renames the task's thread", async () => {
    const { number, card } = await create("Draft title");
    const thread = await threadOn(card);
    await world.slash("alice", "task", "edit", { task: number, title: "Final title" });
    await until(() => world.discord.channel(thread.id).name === `#${number} · Final title`);
    // Archived, it keeps its name (renaming it would wake it up); the edit still lands on the card.
    world.discord.archiveThread(thread.id);
    await world.slash("alice", "task", "edit", { task: number, title: "Quiet title" });
    await until(() => JSON.stringify(world.discord.message(card.id)!.embeds).includes("Quiet title"));
    const task = await taskOf(number);
    await until(async () => {
      const rows = await world.app.database.db.execute(
        sql`SELECT state FROM outbox WHERE task_id = ${task.id} AND kind = 'thread_name' AND state = 'pending'`,
      );
      return (rows as unknown as { rows: unknown[] }).rows.length === 0;
    });
    expect(world.discord.channel(thread.id).name).toBe(`#${number} · Final title`);
    expect(world.discord.channel(thread.id).thread_metadata?.archived).toBe(true);
  });

  it("a thread someone started on the card first is the task's thread (Discord's 160004)", async () => {
    // The bot's thread start is slow to land; meanwhile alice starts one on the card herself.
    const slow = world.discord.injectFault({
      method: "POST",
      route: "/channels/:channelId/messages/:messageId/threads",
      delayMs: 1_500,
      times: 1,
    });
    const { number, card } = await create("Beat the bot to it");
    await until(() => slow.hits === 1);
    const hers = world.discord.startThread({ message: card, userId: "alice", name: "alice's thread" });
    expect(hers.id).toBe(card.id);
    const refused = await world.discord.waitForRequest(
      { method: "POST", route: "/channels/:channelId/messages/:messageId/threads", status: 400 },
      { timeoutMs: 15_000 },
    );
    expect(refused.response).toMatchObject({ code: 160004 });
    const task = await taskOf(number);
    await until(async () => (await world.app.services.cards.thread(task.id))?.state === "open");
    expect(await world.app.services.cards.thread(task.id)).toMatchObject({ threadId: card.id });
    await world.slash("alice", "task", "comment", { task: number, text: "in her thread" });
    await until(() => botMessages(card.id).find((message) => message.content.includes("in her thread")));
    expect(world.discord.channel(card.id).name).toBe("alice's thread");
  });
});
