import { beforeAll, describe, expect, it } from "vitest";
import type { ReplyPayload, ReworkPayload } from "../../src/discord/delivery/agent-payload.ts";
import { actorEverywhere, systemReader } from "../../src/services/actors.ts";
import type { ApiMessage } from "../stand-in/index.ts";
import { agentSchema, jsonOf, until, useAgentWorld, WORLD } from "./agent-world.ts";
import { validateJsonSchema } from "./json-schema-subset.ts";

// The reviewer role is mentionable here, so only allowed_mentions decides whether it is pinged.
const guild = { ...WORLD.guilds![0]!, roles: [{ name: "Reviewer", mentionable: true }] };
const world = useAgentWorld({ standIn: { guilds: [guild] } });
let guildId: string;

beforeAll(async () => {
  guildId = world.discord.guild("HQ").id;
  await world.slash("alice", "tasklane", "config", { "reviewer-role": world.discord.role("Reviewer").id });
  await world.slash("alice", "tasklane", "add", { user: world.id("agent-1") }, "agent");
}, 60_000);

const EVIDENCE = {
  files: [
    { path: "docs/onboarding.md", change: "added" },
    { path: "README.md", change: "modified" },
  ],
  tests: { passed: 12, failed: 0, command: "npm test" },
  links: ["https://example.com/pr/1"],
};

function reworkMessagesFor(userId: string): ApiMessage[] {
  return world.discord.channelMessages("lane").filter((message) => {
    if (message.author.id !== world.discord.botUser.id) return false;
    try {
      return jsonOf(message).type === "rework" && message.content.startsWith(`<@${userId}>`);
    } catch {
      return false;
    }
  });
}

describe("the review loop between a reviewer and an agent (stand-in, real Postgres and Redis)", () => {
  it("a submission's evidence is kept per attempt; a bad block is refused naming the field; a rework reaches the agent", async () => {
    const agent = world.id("agent-1");
    const rita = world.id("rita");
    await world.slash("alice", "task", "create", { title: "Write the onboarding docs" });
    await world.slash("alice", "task", "assign", { task: 1, assignee: agent });
    await until(() => world.assignmentsFor(agent)[0]);
    expect((await world.mention(agent, "start 1")).content).toMatch(/^Started/);

    const bad = await world.mention(
      agent,
      'submit 1 Wrote docs\n```json\n{"files":[{"path":"a.md","change":"renamed"}]}\n```',
    );
    expect(bad.content).toContain("evidence files[0].change must be one of added, modified, deleted");
    expect(jsonOf<ReplyPayload>(bad)).toMatchObject({ ok: false, error: { code: "validation" } });
    expect((await world.app.services.tasks.get(systemReader(guildId), 1)).status).toBe("in_progress");
    const [running] = await world.app.services.tasks.attempts(systemReader(guildId), 1);
    expect(running).toMatchObject({ attempt: 1, outcome: null, summary: null, result: null });

    const notJson = await world.mention(agent, "submit 1 Wrote docs\n```json\n{files: oops}\n```");
    expect(notJson.content).toMatch(/evidence block is not valid JSON/);

    const submitted = await world.mention(
      agent,
      `submit 1 Wrote docs/onboarding.md\n\`\`\`json\n${JSON.stringify(EVIDENCE)}\n\`\`\``,
    );
    expect(jsonOf<ReplyPayload>(submitted)).toMatchObject({ ok: true, task: { status: "in_review" } });
    const [first] = await world.app.services.tasks.attempts(systemReader(guildId), 1);
    expect(first).toMatchObject({
      attempt: 1,
      assigneeId: agent,
      outcome: "submitted",
      summary: "Wrote docs/onboarding.md",
      result: EVIDENCE,
    });
    expect(first?.endedAt).not.toBeNull();

    await world.slash("rita", "task", "rework", { task: 1, reason: "Add a section on @everyone access" });
    const rework = await until(() => reworkMessagesFor(agent)[0]);
    await world.app.outbox()!.drain();
    expect(reworkMessagesFor(agent)).toHaveLength(1);
    // Pings the agent, names the reviewer without pinging them, and nobody else.
    expect(rework.mentions.map((user) => user.id)).toEqual([agent]);
    expect(rework.mention_everyone).toBe(false);
    expect(rework.mention_roles).toEqual([]);
    expect(world.discord.storedMessage(rework.id)?.allowedMentions).toEqual({ parse: [], users: [agent] });
    expect(rework.content).toContain(`<@${rita}>`);
    // The reason is user text: quoted and escaped for people; the json block keeps it as written.
    expect(rework.content).toContain("> Add a section on @\u200beveryone access");

    const payload = jsonOf<ReworkPayload>(rework);
    expect(validateJsonSchema(agentSchema, payload)).toEqual([]);
    expect(payload).toMatchObject({
      tasklane: 1,
      type: "rework",
      assignee: agent,
      reviewer: rita,
      reason: "Add a section on @everyone access",
      rework: 1,
      attempt: 2,
      task: { number: 1, status: "in_progress" },
      reply: { submit: `${world.botMention} submit 1 <summary>` },
    });
    expect(payload.leaseExpiresAt).not.toBeNull();
    const task = await world.app.services.tasks.get(systemReader(guildId), 1);
    expect(task.leaseExpiresAt).toBe(payload.leaseExpiresAt);

    const attempts = await world.app.services.tasks.attempts(systemReader(guildId), 1);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.outcome])).toEqual([
      [1, "submitted"],
      [2, null],
    ]);
    // What /task view shows: the same attempts, read with the live card in one statement.
    const details = await world.app.services.tasks.details(systemReader(guildId), 1);
    expect(details.attempts).toEqual(attempts);
    expect(details.task).toEqual(await world.app.services.tasks.get(systemReader(guildId), 1));
    expect(details.liveCard).toEqual({ channelId: expect.any(String), messageId: expect.any(String) });
  });

  it("a summary of 3,000 characters is kept whole; more than 4,000 is refused", async () => {
    const agent = world.id("agent-1");
    const long = `${"Rewrote every section. ".repeat(131)}THE END`;
    expect(long.length).toBeGreaterThan(3000);
    const submitted = await world.mention(agent, `submit 1 ${long}`);
    expect(jsonOf<ReplyPayload>(submitted)).toMatchObject({ ok: true, task: { status: "in_review" } });
    const attempts = await world.app.services.tasks.attempts(systemReader(guildId), 1);
    expect(attempts.at(-1)).toMatchObject({ attempt: 2, outcome: "submitted", summary: long, result: null });

    const tooLong = await world.app.services.tasks
      .transition(
        {
          guildId,
          channelId: world.discord.channel("lane").id,
          actor: actorEverywhere({ userId: agent, isBot: true }),
          source: "mention",
        },
        { number: 1, action: "submit", text: "x".repeat(4001) },
      )
      .catch((error: Error) => error.message);
    expect(tooLong).toBe("text must be at most 4000 characters");
  });
});

describe("what a reviewer reads", () => {
  it("the card shows the submission while in review; /task view and /task attempts show every attempt; long ones come as a file", async () => {
    const agent = world.id("agent-1");
    const card = await until(() =>
      world.discord
        .channelMessages("lane")
        .find(
          (message) =>
            String(message.embeds[0]?.title ?? "").startsWith("#1 ") &&
            message.components.length > 0 &&
            fieldOf(message, "Status") === "In review (rework 1)",
        ),
    );
    const submission = fieldOf(card, "Submission") ?? "";
    expect(submission).toMatch(/^Rewrote every section\./);
    expect(submission).toContain(`Attempt 2 by <@${agent}>`);

    const view = await world.slash("alice", "task", "view", { task: 1 });
    const attemptsField = fieldOf(view, "Attempts") ?? "";
    expect(attemptsField.split("\n")).toHaveLength(2);
    expect(attemptsField).toMatch(
      /^\*\*Attempt 1\*\* · <@\d+> · submitted <t:\d+:R> — Wrote docs\/onboarding\.md/,
    );

    const listed = await world.slash("alice", "task", "attempts", { task: 1 });
    expect(listed.attachments).toEqual([]);
    // The 3,000-character summary is readable to its end.
    expect(String(listed.embeds[0]?.description)).toContain("section. THE END");

    await world.slash("rita", "task", "approve", { task: 1 });
    const done = await world.app.services.tasks.get(systemReader(guildId), 1);
    expect(done.status).toBe("done");
    expect(done.submission).toBeNull();
  });

  it("a short list of attempts fits the reply, with files and tests in full", async () => {
    const agent = world.id("agent-1");
    await world.slash("alice", "task", "create", { title: "Small fix" });
    await world.slash("alice", "task", "create", { title: "Waits for the fix", "depends-on": "2" });
    await world.slash("alice", "task", "assign", { task: 2, assignee: agent });
    await world.mention(agent, "start 2");
    await world.mention(agent, `submit 2 Fixed\n\`\`\`json\n${JSON.stringify(EVIDENCE)}\n\`\`\``);
    const listed = await world.slash("alice", "task", "attempts", { task: 2 });
    expect(listed.attachments).toEqual([]);
    const text = String(listed.embeds[0]?.description);
    expect(text).toContain("Files: docs/onboarding.md (added), README.md (modified)");
    expect(text).toContain("Tests: 12 passed, 0 failed (npm test)");
    expect(text).toContain("Links: https://example.com/pr/1");

    const view = await world.slash("alice", "task", "view", { task: 2 });
    expect(fieldOf(view, "Blocks")).toBe("#3");
    expect(fieldOf(view, "Submission")).toContain("Files: `docs/onboarding.md` added, `README.md` modified");
    expect(fieldOf(view, "Submission")).toContain("Tests: 12 passed, 0 failed");
  });
});

describe("attempts that do not fit a message", () => {
  it("come whole as an attached file, the reply listing them shortened", async () => {
    const agent = world.id("agent-1");
    await world.slash("alice", "task", "create", { title: "A long story" });
    await world.slash("alice", "task", "assign", { task: 4, assignee: agent });
    await world.mention(agent, "start 4");
    const summary = (n: number) => `${`Attempt ${n} notes. `.repeat(190)}END ${n}`;
    await world.mention(agent, `submit 4 ${summary(1)}`);
    await world.slash("rita", "task", "rework", { task: 4, reason: "Shorter, please" });
    await world.mention(agent, `submit 4 ${summary(2)}`);
    const listed = await world.slash("alice", "task", "attempts", { task: 4 });
    expect(listed.attachments).toHaveLength(1);
    expect(listed.attachments[0]).toMatchObject({ filename: "task-4-attempts.md" });
    expect(Number(listed.attachments[0]?.size)).toBeGreaterThan(summary(1).length + summary(2).length);
    expect(String(listed.embeds[0]?.description)).toContain(
      "every attempt in full is in **task-4-attempts.md**",
    );
  });
});

describe("reviewers and creators are told", () => {
  const botMessages = (where: (message: ApiMessage) => boolean) =>
    world.discord
      .channelMessages("lane")
      .filter((message) => message.author.id === world.discord.botUser.id && where(message));

  it("a task entering review is announced once, the role pinged only with notify-reviewers: ping; /tasks reviews lists what the actor may decide", async () => {
    const role = world.discord.role("Reviewer").id;
    const bob = world.id("bob");
    await world.slash("alice", "tasklane", "config", { "notify-reviewers": "ping" });
    await world.slash("alice", "task", "create", { title: "Ping the reviewers" });
    await world.slash("bob", "task", "claim", { task: 5 });
    await world.slash("bob", "task", "start", { task: 5 });
    await world.slash("bob", "task", "submit", { task: 5, note: "Ready: see the diff" });
    const isFor5 = (message: ApiMessage) =>
      message.content.startsWith("**#5** · Ping the reviewers is ready");
    const told = await until(() => botMessages(isFor5)[0]);
    expect(told.content).toBe(
      `**#5** · Ping the reviewers is ready for review by <@&${role}> · submitted by <@${bob}>.\n> Ready: see the diff`,
    );
    expect(told.mention_roles).toEqual([role]);
    expect(told.mentions).toEqual([]);
    expect(told.mention_everyone).toBe(false);

    await world.slash("alice", "tasklane", "config", { "notify-reviewers": "mention" });
    await world.slash("alice", "task", "create", { title: "Name the reviewers" });
    await world.slash("bob", "task", "claim", { task: 6 });
    await world.slash("bob", "task", "start", { task: 6 });
    await world.slash("bob", "task", "submit", { task: 6, note: "Done" });
    const named = await until(
      () => botMessages((m) => m.content.startsWith("**#6** · Name the reviewers"))[0],
    );
    expect(named.content).toContain(`ready for review by <@&${role}>`);
    expect(named.mention_roles).toEqual([]);
    await world.app.outbox()!.drain();
    expect(botMessages(isFor5)).toHaveLength(1);

    const forRita = await world.slash("rita", "tasks", "reviews", {});
    const lines = String(forRita.embeds[0]?.description).split("\n");
    expect(lines.map((line) => /^\*\*#(\d+)\*\*/.exec(line)?.[1])).toEqual(["2", "4", "5", "6"]);
    expect(lines[2]).toMatch(new RegExp(`submitted by <@${bob}> <t:\\d+:R> in <#\\d+>$`));
    const forBob = await world.slash("bob", "tasks", "reviews", {});
    expect(forBob.embeds[0]?.description).toBe("Nothing awaits your review.");
  });

  it("the creator is told when their task is done, pinged only with notify-creator: ping", async () => {
    const alice = world.id("alice");
    const rita = world.id("rita");
    await world.slash("rita", "task", "approve", { task: 5 });
    const done5 = await until(
      () => botMessages((m) => m.content.startsWith(`<@${alice}> your task **#5**`))[0],
    );
    expect(done5.content).toBe(
      `<@${alice}> your task **#5** · Ping the reviewers is done (approved by <@${rita}>).`,
    );
    expect(done5.mentions).toEqual([]);

    await world.slash("alice", "tasklane", "config", { "notify-creator": "ping" });
    await world.slash("rita", "task", "approve", { task: 6 });
    const done6 = await until(
      () => botMessages((m) => m.content.startsWith(`<@${alice}> your task **#6**`))[0],
    );
    expect(done6.mentions.map((user) => user.id)).toEqual([alice]);

    await world.slash("alice", "tasklane", "config", { "notify-creator": "off", "notify-reviewers": "off" });
    await world.slash("alice", "task", "create", { title: "Quietly" });
    await world.slash("bob", "task", "claim", { task: 7 });
    await world.slash("bob", "task", "start", { task: 7 });
    await world.slash("bob", "task", "submit", { task: 7 });
    await world.slash("rita", "task", "approve", { task: 7 });
    await world.app.outbox()!.drain();
    expect(botMessages((m) => m.content.includes("**#7**"))).toEqual([]);
  });
});

function fieldOf(message: { embeds: Record<string, unknown>[] }, name: string): string | undefined {
  const fields = (message.embeds[0]?.fields ?? []) as { name: string; value: string }[];
  return fields.find((field) => field.name === name)?.value;
}
