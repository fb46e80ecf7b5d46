import { beforeAll, describe, expect, it } from "vitest";
import type { AssignmentPayload } from "../../src/discord/delivery/agent-payload.ts";
import { systemReader } from "../../src/services/actors.ts";
import { agentSchema, jsonOf, until, useAgentWorld } from "./agent-world.ts";
import { validateJsonSchema } from "./json-schema-subset.ts";

// A long job interval: new tasks are handed out because the change signal starts a pass, not by polling.
const world = useAgentWorld({ app: { jobs: { intervalMs: 60_000 } } });

beforeAll(async () => {
  await world.slash("alice", "tasklane", "config", { "auto-assign": "least_loaded" });
  await world.slash("alice", "tasklane", "add", { user: world.id("agent-12"), "max-concurrent": 5 }, "agent");
  await world.slash("alice", "tasklane", "add", { user: world.id("agent-13"), "max-concurrent": 5 }, "agent");
}, 60_000);

describe("auto-assign least-loaded in a channel (stand-in, real Postgres and Redis)", () => {
  it("each new task goes to the least-loaded agent, who is notified in the channel", async () => {
    for (const title of ["Index the docs", "Rebuild thumbnails", "Rotate keys"]) {
      await world.slash("bob", "task", "create", { title });
    }
    const first = world.id("agent-12");
    const second = world.id("agent-13");
    await until(
      () => world.assignmentsFor(first).length === 2 && world.assignmentsFor(second).length === 1,
      5_000,
    );
    const numbers = (agent: string) =>
      world
        .assignmentsFor(agent)
        .map((message) => jsonOf<AssignmentPayload>(message).task.number)
        .sort((a, b) => a - b);
    expect(numbers(first)).toEqual([1, 3]);
    expect(numbers(second)).toEqual([2]);
    for (const message of [...world.assignmentsFor(first), ...world.assignmentsFor(second)]) {
      expect(validateJsonSchema(agentSchema, jsonOf(message))).toEqual([]);
      expect(message.mentions).toHaveLength(1);
    }
    const history = await world.app.services.tasks.history(systemReader(world.discord.guild("HQ").id), 2);
    expect(history.items.find((event) => event.kind === "assigned")).toMatchObject({
      source: "system",
      actorId: world.discord.botUser.id,
    });
  });
});
