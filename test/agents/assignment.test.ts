import { beforeAll, describe, expect, it } from "vitest";
import type { AssignmentPayload, ReplyPayload } from "../../src/discord/delivery/agent-payload.ts";
import { systemReader } from "../../src/services/actors.ts";
import { agentSchema, jsonOf, until, useAgentWorld } from "./agent-world.ts";
import { validateJsonSchema } from "./json-schema-subset.ts";

const world = useAgentWorld();

beforeAll(async () => {
  await world.slash("alice", "tasklane", "config", { "reviewer-role": world.discord.role("Reviewer").id });
  await world.slash("alice", "tasklane", "add", { user: world.id("agent-0"), labels: "backend" }, "agent");
}, 60_000);

describe("bot agents in the channel (stand-in, real Postgres and Redis)", () => {
  it("a task assigned to a registered agent produces exactly one message, pinging only the agent, whose json validates", async () => {
    const { discord } = world;
    const agent = world.id("agent-0");
    await world.slash("alice", "task", "create", {
      title: `Port the parser @everyone <@&${discord.role("Reviewer").id}>`,
      description: "Make it ```fast```",
      priority: "high",
      labels: "backend",
    });
    await world.slash("alice", "task", "assign", { task: 1, assignee: agent });

    const assignment = await until(() => world.assignmentsFor(agent)[0]);
    await world.app.outbox()!.drain();
    expect(world.assignmentsFor(agent)).toHaveLength(1);

    expect(assignment.mentions.map((user) => user.id)).toEqual([agent]);
    expect(assignment.mention_roles).toEqual([]);
    expect(assignment.mention_everyone).toBe(false);
    expect(discord.storedMessage(assignment.id)?.allowedMentions).toEqual({ parse: [], users: [agent] });
    expect(titleOf(assignment)).toContain("#1");

    const payload = jsonOf<AssignmentPayload>(assignment);
    expect(validateJsonSchema(agentSchema, payload)).toEqual([]);
    expect(payload).toMatchObject({
      tasklane: 1,
      type: "assignment",
      guild: discord.guild("HQ").id,
      channel: discord.channel("lane").id,
      assignee: agent,
      attempt: 1,
      maxAttempts: 3,
      task: {
        number: 1,
        priority: "high",
        labels: ["backend"],
        description: "Make it ```fast```",
        status: "open",
      },
      reply: { start: `${world.botMention} start 1` },
    });

    // Nothing else the bot posted in the channel pings anyone.
    const others = discord.channelMessages("lane").filter((message) => message.id !== assignment.id);
    for (const message of others) {
      expect(message.mentions).toEqual([]);
      expect(message.mention_everyone).toBe(false);
    }
  });

  it("start, progress, submit by mention, then a reviewer approves: card and history show source mention", async () => {
    const { discord } = world;
    const agent = world.id("agent-0");
    const cardShows = (status: string) =>
      until(() =>
        discord
          .channelMessages("lane")
          .find(
            (message) =>
              titleOf(message).startsWith("#1 ") &&
              message.components.length > 0 &&
              fieldOf(message, "Status") === status,
          ),
      );

    const started = await world.mention(agent, "start #1");
    expect(started.content).toMatch(/^Started \*\*#1\*\*/);
    const startedJson = jsonOf<ReplyPayload>(started);
    expect(validateJsonSchema(agentSchema, startedJson)).toEqual([]);
    expect(startedJson).toMatchObject({
      type: "reply",
      command: "start",
      ok: true,
      task: { status: "in_progress" },
    });
    expect(startedJson.task?.leaseExpiresAt).not.toBeNull();
    expect(started.mentions).toEqual([]);
    const card = await cardShows("In progress");

    const progress = await world.mention(agent, "progress 1 parser rewritten, tests next");
    expect(jsonOf<ReplyPayload>(progress)).toMatchObject({ command: "progress", ok: true });

    const submitted = await world.mention(agent, "submit 1 done: parser + tests");
    expect(jsonOf<ReplyPayload>(submitted)).toMatchObject({
      command: "submit",
      ok: true,
      task: { status: "in_review" },
    });
    expect((await cardShows("In review")).id).toBe(card.id);

    await world.slash("rita", "task", "approve", { task: 1, comment: "nice" });
    expect((await cardShows("Done")).id).toBe(card.id);
    const stored = discord.storedMessage(card.id)!;
    const statuses = [...stored.versions, stored.message].map((version) => fieldOf(version, "Status"));
    expect(dedupe(statuses)).toEqual(["Open", "In progress", "In review", "Done"]);

    const history = await world.app.services.tasks.history(systemReader(discord.guild("HQ").id), 1);
    const steps = history.items.map((event) => `${event.kind}:${event.source}`);
    expect(steps).toEqual(expect.arrayContaining(["started:mention", "submitted:mention", "approved:slash"]));
    expect(steps.some((step) => step.startsWith("progress") && step.endsWith(":mention"))).toBe(true);
    const slashHistory = await world.slash("alice", "task", "history", { task: 1 });
    const lines = String(slashHistory.embeds[0]?.description ?? "").split("\n");
    for (const kind of ["started", "progress", "submitted"]) {
      expect(lines.find((line) => line.includes(`**${kind}`))).toMatch(/· mention( —|$)/);
    }
    expect(lines.find((line) => line.includes("**approved**"))).toMatch(/· slash( —|$)/);
  });
});

function titleOf(message: { embeds: Record<string, unknown>[] }): string {
  return String(message.embeds[0]?.title ?? "");
}

function fieldOf(message: { embeds: Record<string, unknown>[] }, name: string): string | undefined {
  const fields = (message.embeds[0]?.fields ?? []) as { name: string; value: string }[];
  return fields.find((field) => field.name === name)?.value;
}

function dedupe(values: (string | undefined)[]): (string | undefined)[] {
  return values.filter((value, index) => index === 0 || value !== values[index - 1]);
}
