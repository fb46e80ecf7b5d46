import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import type { ReplyPayload } from "../../src/discord/delivery/agent-payload.ts";
import { systemReader } from "../../src/services/actors.ts";
import { AGENT_NAMES, jsonOf, sleep, useAgentWorld } from "./agent-world.ts";

const world = useAgentWorld();

beforeAll(async () => {
  for (const name of AGENT_NAMES.slice(0, 12))
    await world.slash("alice", "tasklane", "add", { user: world.id(name) }, "agent");
}, 60_000);

async function createThree(channel: string, titles: string[]): Promise<number[]> {
  const numbers: number[] = [];
  for (const title of titles) {
    const reply = await world.discord
      .sendSlashCommand({
        channelId: channel,
        userId: "alice",
        name: "task",
        subcommand: "create",
        options: { title },
      })
      .reply({ timeoutMs: 5_000 });
    numbers.push(Number(/#(\d+)/.exec(String(reply.embeds[0]?.title ?? ""))?.[1]));
  }
  return numbers;
}

/** Six distinct agents say next at once; the replies, in agent order. */
async function raceNext(agents: string[], channel: string): Promise<ReplyPayload[]> {
  const replies = await Promise.all(
    agents.map((name) => world.mention(world.id(name), "next", { channel, timeoutMs: 15_000 })),
  );
  return replies.map((reply) => jsonOf<ReplyPayload>(reply));
}

async function expectThreeDistinctClaims(agents: string[], payloads: ReplyPayload[], numbers: number[]) {
  const claimed = payloads.filter((payload) => payload.task !== null);
  expect(claimed.map((payload) => payload.task!.number).sort((a, b) => a - b)).toEqual(numbers);
  const empty = payloads.filter((payload) => payload.task === null);
  expect(empty).toHaveLength(3);
  for (const payload of empty) expect(payload).toMatchObject({ command: "next", ok: true });
  const guildId = world.discord.guild("HQ").id;
  for (const [index, payload] of payloads.entries()) {
    if (!payload.task) continue;
    const task = await world.app.services.tasks.get(systemReader(guildId), payload.task.number);
    expect(task).toMatchObject({ status: "in_progress", assigneeId: world.id(agents[index]!) });
  }
}

describe("racing next with fewer tasks than agents (stand-in, real Postgres and Redis)", () => {
  it("6 registered agents say next at once over 3 ready tasks: 3 distinct claims, 3 queue-empty replies", async () => {
    const agents = AGENT_NAMES.slice(0, 6);
    const numbers = await createThree("lane", ["Index docs", "Rotate keys", "Trim logs"]);
    await expectThreeDistinctClaims(agents, await raceNext(agents, "lane"), numbers);
  });

  it("while the 3 ready tasks are held for a moment (comments being written on them), 6 agents still claim all 3", async () => {
    const agents = AGENT_NAMES.slice(6, 12);
    const numbers = await createThree("other", ["Ship notes", "Renew cert", "Prune images"]);
    // What a comment (or any audit/card write) does to its task while its transaction is open.
    const holder = new pg.Client({ connectionString: world.testDb.url });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT id FROM tasks WHERE guild_id = $1 AND number = ANY($2::int[]) FOR SHARE", [
        world.discord.guild("HQ").id,
        numbers,
      ]);
      const racing = raceNext(agents, "other");
      await sleep(300);
      await holder.query("COMMIT");
      await expectThreeDistinctClaims(agents, await racing, numbers);
    } finally {
      await holder.end();
    }
  });
});
