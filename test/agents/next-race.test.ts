import { beforeAll, describe, expect, it } from "vitest";
import type { ReplyPayload } from "../../src/discord/delivery/agent-payload.ts";
import { systemReader } from "../../src/services/actors.ts";
import { AGENT_NAMES, agentSchema, jsonOf, useAgentWorld } from "./agent-world.ts";
import { validateJsonSchema } from "./json-schema-subset.ts";

const world = useAgentWorld();

beforeAll(async () => {
  for (const name of AGENT_NAMES) {
    await world.slash("alice", "tasklane", "add", { user: world.id(name) }, "agent");
  }
  for (let index = 1; index <= 10; index += 1) {
    await world.slash("alice", "task", "create", { title: `Crawl shard ${index}` });
  }
}, 60_000);

describe("next under contention (stand-in, real Postgres and Redis)", () => {
  it("20 agents send next at once over 10 open tasks: 10 distinct claims and 10 clear queue-empty replies", async () => {
    const replies = await Promise.all(
      AGENT_NAMES.map((name) => world.mention(world.id(name), "next", { timeoutMs: 15_000 })),
    );
    const payloads = replies.map((reply) => jsonOf<ReplyPayload>(reply));
    for (const payload of payloads) expect(validateJsonSchema(agentSchema, payload)).toEqual([]);

    const claimed = payloads.filter((payload) => payload.task !== null);
    const empty = replies.filter((_, index) => payloads[index]!.task === null);
    expect(claimed).toHaveLength(10);
    expect(new Set(claimed.map((payload) => payload.task!.number)).size).toBe(10);
    for (const payload of claimed)
      expect(payload).toMatchObject({ command: "next", ok: true, task: { status: "in_progress" } });

    expect(empty).toHaveLength(10);
    for (const reply of empty) {
      expect(reply.content).toMatch(/^Queue empty: no task in this channel is ready for you right now\./);
      expect(jsonOf<ReplyPayload>(reply)).toMatchObject({ command: "next", ok: true, task: null });
    }

    // Each claimed task belongs to the agent whose reply named it.
    const guildId = world.discord.guild("HQ").id;
    for (const [index, payload] of payloads.entries()) {
      if (!payload.task) continue;
      const task = await world.app.services.tasks.get(systemReader(guildId), payload.task.number);
      expect(task.assigneeId).toBe(world.id(AGENT_NAMES[index]!));
    }
  });

  it("anything malformed gets the usage, never silence", async () => {
    const agent = world.id("agent-19");
    for (const text of ["dance", "start", "start twelve", "fail 3", ""]) {
      const reply = await world.mention(agent, text);
      expect(reply.content).toContain("Mention me with one of");
      expect(jsonOf<ReplyPayload>(reply)).toMatchObject({
        ok: false,
        command: null,
        error: { code: "usage" },
      });
    }
    const refused = await world.mention(agent, "start 999");
    expect(jsonOf<ReplyPayload>(refused)).toMatchObject({
      ok: false,
      command: "start",
      error: { code: "not_found" },
    });
    expect(refused.mentions).toEqual([]);
  });
});
