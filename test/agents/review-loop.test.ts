import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReplyPayload, ReworkPayload } from "../../src/discord/delivery/agent-payload.ts";
import type { ApiMessage } from "../stand-in/index.ts";
import { type AgentWorld, agentSchema, jsonOf, startAgentWorld, until } from "./agent-world.ts";
import { validateJsonSchema } from "./json-schema-subset.ts";

let world: AgentWorld;
let guildId: string;

beforeAll(async () => {
  world = await startAgentWorld();
  guildId = world.discord.guild("HQ").id;
  await world.slash("alice", "tasklane", "config", { "reviewer-role": world.discord.role("Reviewer").id });
  await world.slash("alice", "tasklane", "add", { user: world.id("agent-1") }, "agent");
}, 60_000);
afterAll(async () => {
  await world?.stop();
});

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
    expect((await world.app.services.tasks.get(guildId, 1)).status).toBe("in_progress");
    const [running] = await world.app.services.tasks.attempts(guildId, 1);
    expect(running).toMatchObject({ attempt: 1, outcome: null, summary: null, result: null });

    const notJson = await world.mention(agent, "submit 1 Wrote docs\n```json\n{files: oops}\n```");
    expect(notJson.content).toMatch(/evidence block is not valid JSON/);

    const submitted = await world.mention(
      agent,
      `submit 1 Wrote docs/onboarding.md\n\`\`\`json\n${JSON.stringify(EVIDENCE)}\n\`\`\``,
    );
    expect(jsonOf<ReplyPayload>(submitted)).toMatchObject({ ok: true, task: { status: "in_review" } });
    const [first] = await world.app.services.tasks.attempts(guildId, 1);
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
    expect(rework.content).toContain("> Add a section on @everyone access");

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
    const task = await world.app.services.tasks.get(guildId, 1);
    expect(task.leaseExpiresAt).toBe(payload.leaseExpiresAt);

    const attempts = await world.app.services.tasks.attempts(guildId, 1);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.outcome])).toEqual([
      [1, "submitted"],
      [2, null],
    ]);
  });

  it("a summary of 3,000 characters is kept whole; more than 4,000 is refused", async () => {
    const agent = world.id("agent-1");
    const long = `${"Rewrote every section. ".repeat(131)}THE END`;
    expect(long.length).toBeGreaterThan(3000);
    const submitted = await world.mention(agent, `submit 1 ${long}`);
    expect(jsonOf<ReplyPayload>(submitted)).toMatchObject({ ok: true, task: { status: "in_review" } });
    const attempts = await world.app.services.tasks.attempts(guildId, 1);
    expect(attempts.at(-1)).toMatchObject({ attempt: 2, outcome: "submitted", summary: long, result: null });

    const tooLong = await world.app.services.tasks
      .transition(
        {
          guildId,
          channelId: world.discord.channel("lane").id,
          actor: { userId: agent, roleIds: [], permissions: [], isBot: true },
          source: "mention",
        },
        { number: 1, action: "submit", text: "x".repeat(4001) },
      )
      .catch((error: Error) => error.message);
    expect(tooLong).toBe("text must be at most 4000 characters");
  });
});
