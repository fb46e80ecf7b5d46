import { beforeAll, describe, expect, it } from "vitest";
import type { ReplyPayload } from "../../src/discord/delivery/agent-payload.ts";
import { systemReader } from "../../src/services/actors.ts";
import { isAssignment, jsonOf, sleep, until, useAgentWorld } from "./agent-world.ts";

const world = useAgentWorld({ env: { AGENT_COMMAND_BUDGET: "3" } });
beforeAll(async () => {
  await world.slash("alice", "tasklane", "add", { user: world.id("agent-2") }, "agent");
  await world.slash("alice", "tasklane", "add", { user: world.id("agent-3") }, "agent");
}, 60_000);

const repliesTo = (id: string) =>
  world.discord
    .channelMessages("lane")
    .filter(
      (message) =>
        message.author.id === world.discord.botUser.id && message.message_reference?.message_id === id,
    );

describe("bots talking to bots cannot loop", () => {
  it("acts only on an inline mention: a reply that pings the bot without naming it is ignored", async () => {
    const agent = world.id("agent-4");
    const first = await world.mention(agent, "help");
    const reply = world.discord.sendMessage({
      channelId: "lane",
      authorId: agent,
      content: "thanks!",
      replyTo: first.id,
      mentionRepliedUser: true,
    });
    // Mentions are handled in order of arrival: once this one is answered, the reply was seen too.
    await world.mention(agent, "help");
    expect(repliesTo(reply.id)).toEqual([]);
    expect(reply.mentions.map((user) => user.id)).toEqual([world.discord.botUser.id]);
  });

  it("past its budget a bot is refused once, then the bot stays quiet", async () => {
    const agent = world.id("agent-3");
    for (let n = 0; n < 3; n += 1)
      expect(jsonOf<ReplyPayload>(await world.mention(agent, "next")).ok).toBe(true);
    const refused = await world.mention(agent, "next");
    expect(refused.content).toMatch(
      /^You have used your command budget \(3 a minute\)\. I will not answer you again until <t:\d+:R>\./,
    );
    expect(jsonOf<ReplyPayload>(refused)).toMatchObject({ ok: false, error: { code: "budget" } });
    const ignored = world.discord.sendMessage({
      channelId: "lane",
      authorId: agent,
      content: `${world.botMention} next`,
    });
    const again = world.discord.sendMessage({
      channelId: "lane",
      authorId: agent,
      content: `${world.botMention} help`,
    });
    await world.mention(world.id("alice"), "help");
    await sleep(200);
    expect(repliesTo(ignored.id)).toEqual([]);
    expect(repliesTo(again.id)).toEqual([]);
  });

  it("/tasklane agent pause holds its deliveries and refuses its commands; resume lets them through", async () => {
    const agent = world.id("agent-2");
    const paused = await world.slash("alice", "tasklane", "pause", { user: agent }, "agent");
    expect(paused.content).toMatch(/is paused/);
    await world.slash("alice", "task", "create", { title: "While paused" });
    const number = (await world.app.services.tasks.list(systemReader(world.discord.guild("HQ").id), {}))
      .items[0]!.number;
    await world.slash("alice", "task", "assign", { task: number, assignee: agent });
    const refused = await world.mention(agent, `start ${number}`);
    expect(jsonOf<ReplyPayload>(refused)).toMatchObject({ ok: false, error: { code: "paused" } });
    expect(refused.content).toMatch(/^You are paused in this server/);
    await sleep(500);
    expect(world.assignmentsFor(agent)).toEqual([]);
    const task = await world.app.services.tasks.get(systemReader(world.discord.guild("HQ").id), number);
    expect(task.status).toBe("open");

    // Told once while paused, then ignored.
    const ignored = world.discord.sendMessage({
      channelId: "lane",
      authorId: agent,
      content: `${world.botMention} help`,
    });
    await world.mention(world.id("alice"), "help");
    await sleep(200);
    expect(repliesTo(ignored.id)).toEqual([]);

    await world.slash("alice", "tasklane", "resume", { user: agent }, "agent");
    const delivered = await until(() => world.assignmentsFor(agent)[0], 25_000);
    expect(isAssignment(delivered)).toBe(true);
    // Resumed, it is heard again at once.
    expect(jsonOf<ReplyPayload>(await world.mention(agent, `start ${number}`))).toMatchObject({ ok: true });
  }, 40_000);
});
