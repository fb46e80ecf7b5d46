import { beforeAll, describe, expect, it } from "vitest";
import type { AssignmentPayload } from "../../src/discord/delivery/agent-payload.ts";
import type { Json } from "../stand-in/index.ts";
import { jsonOf, sleep, until, useAgentWorld } from "./agent-world.ts";

const AGENTS = ["agent-3", "agent-4", "agent-5", "agent-6", "agent-7"];
// Sends time out after 1 s here, so a "lost answer" (Discord made the message, the answer never came) is quick.
const world = useAgentWorld({
  app: {
    delivery: {
      pollMs: 100,
      requestTimeoutMs: 1_000,
      retry: { baseMs: 100, capMs: 1_000, jitter: 0.2, maxFailures: 30 },
    },
  },
});

beforeAll(async () => {
  for (const name of AGENTS) await world.slash("alice", "tasklane", "add", { user: world.id(name) }, "agent");
}, 60_000);

const pings = (body: Json | undefined, userId: string) =>
  JSON.stringify((body as { allowed_mentions?: unknown } | undefined)?.allowed_mentions ?? {}).includes(
    userId,
  );

describe("delivery through Discord failures (stand-in, real Postgres and Redis)", () => {
  it("500s, 429s and a lost answer for a while: every notification arrives after retries, none twice", async () => {
    const { discord } = world;
    const route = "/channels/:channelId/messages";
    // Discord makes agent-7's message but the answer is lost (arrives after the bot gave up waiting).
    const lost = discord.injectFault({
      method: "POST",
      route,
      delayMs: 1_500,
      times: 1,
      where: (r) => pings(r.body, world.id("agent-7")),
    });
    const errors = discord.injectFault({ method: "POST", route, status: 500, forMs: 1_500 });
    const limited = discord.injectFault({ method: "POST", route, status: 429, retryAfter: 0.3, times: 8 });

    for (const [index, name] of AGENTS.entries()) {
      await world.slash("alice", "task", "create", { title: `Notify ${name}` });
      await world.slash("alice", "task", "assign", { task: index + 1, assignee: world.id(name) });
    }

    for (const name of AGENTS) await until(() => world.assignmentsFor(world.id(name))[0], 20_000);
    await sleep(2_000); // let the lost answer and any stray retry land
    await world.app.outbox()!.drain();

    expect(lost.hits).toBe(1);
    expect(errors.hits).toBeGreaterThan(0);
    expect(limited.hits).toBe(8);
    for (const [index, name] of AGENTS.entries()) {
      const messages = world.assignmentsFor(world.id(name));
      expect(messages).toHaveLength(1);
      expect(jsonOf<AssignmentPayload>(messages[0]!).task.number).toBe(index + 1);
    }
    // Every message the bot created in the channel is distinct: no nonce was used twice.
    const nonces = discord
      .channelMessages("lane")
      .flatMap((message) => (message.nonce ? [String(message.nonce)] : []));
    expect(new Set(nonces).size).toBe(nonces.length);

    // The outbox recorded each delivery with its Discord message id; nothing is dead.
    const rows = await world.app.database.db.execute(
      "SELECT kind, state, attempts, discord_message_id FROM outbox WHERE kind = 'assignment' ORDER BY id",
    );
    const assignments = (rows as unknown as { rows: { state: string; discord_message_id: string | null }[] })
      .rows;
    expect(assignments).toHaveLength(5);
    for (const row of assignments) expect(row.state).toBe("sent");
    const ids = AGENTS.map((name) => world.assignmentsFor(world.id(name))[0]!.id).sort();
    expect(assignments.map((row) => row.discord_message_id).sort()).toEqual(ids);
    expect(world.app.outbox()!.counts().dead).toBe(0);
  });
});
