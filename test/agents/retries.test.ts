import { beforeAll, describe, expect, it } from "vitest";
import type {
  AnnouncementPayload,
  AssignmentPayload,
  ReplyPayload,
} from "../../src/discord/delivery/agent-payload.ts";
import { systemReader } from "../../src/services/actors.ts";
import type { ApiMessage } from "../stand-in/index.ts";
import { agentSchema, jsonOf, sleep, until, useAgentWorld } from "./agent-world.ts";
import { validateJsonSchema } from "./json-schema-subset.ts";

const BASE_MS = 400;
let offsetMs = 0;
const world = useAgentWorld({
  app: {
    engine: {
      now: () => new Date(Date.now() + offsetMs),
      retry: { baseMs: BASE_MS, capMs: 60_000, jitter: 0 },
    },
  },
});

beforeAll(async () => {
  await world.slash("alice", "tasklane", "config", { "max-attempts": 3, "lease-minutes": 30 });
  await world.slash("alice", "tasklane", "add", { user: world.id("agent-1") }, "agent");
  await world.slash("alice", "tasklane", "add", { user: world.id("agent-2") }, "agent");
}, 60_000);

function announcements(number: number, kind: "retry" | "dead_letter"): ApiMessage[] {
  return world.discord.channelMessages("lane").filter((message) => {
    try {
      const payload = jsonOf<AnnouncementPayload>(message);
      return payload.type === "announcement" && payload.kind === kind && payload.task.number === number;
    } catch {
      return false;
    }
  });
}

function assignment(agent: string, number: number, attempt: number): ApiMessage | undefined {
  return world.assignmentsFor(agent).find((message) => {
    const payload = jsonOf<AssignmentPayload>(message);
    return payload.task.number === number && payload.attempt === attempt;
  });
}

async function createAndAssign(title: string, agent: string): Promise<number> {
  const reply = await world.slash("alice", "task", "create", { title });
  const number = Number(/#(\d+)/.exec(String(reply.embeds[0]?.title ?? reply.content))?.[1]);
  await world.slash("alice", "task", "assign", { task: number, assignee: agent });
  return number;
}

describe("retries with backoff and the dead letter (stand-in, real Postgres and Redis)", () => {
  it("fail three times with max-attempts 3: growing backoff, re-delivered after each, then failed and announced pinging nobody", async () => {
    const agent = world.id("agent-1");
    const number = await createAndAssign("Flaky import", agent);
    await until(() => assignment(agent, number, 1));

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const started = jsonOf<ReplyPayload>(await world.mention(agent, `start ${number}`));
      expect(started).toMatchObject({ ok: true, task: { status: "in_progress" } });
      const failed = jsonOf<ReplyPayload>(
        await world.mention(agent, `fail ${number} upstream said 503 (${attempt})`),
      );
      expect(validateJsonSchema(agentSchema, failed)).toEqual([]);
      if (attempt === 3) {
        expect(failed).toMatchObject({ ok: true, task: { status: "failed", failedAttempts: 3 } });
        break;
      }
      expect(failed).toMatchObject({ ok: true, task: { status: "open", failedAttempts: attempt } });
      const retryAt = Date.parse(failed.task!.nextAttemptAt!);
      const history = await world.app.services.tasks.history(
        systemReader(world.discord.guild("HQ").id),
        number,
      );
      const failure = history.items.find(
        (event) => event.kind === "failed" && event.details.attempt === attempt,
      )!;
      delays.push(retryAt - Date.parse(failure.at));

      // Re-delivered to the same agent once the backoff has passed, never before.
      const redelivered = await until(() => assignment(agent, number, attempt + 1));
      expect(Date.parse(redelivered.timestamp)).toBeGreaterThanOrEqual(retryAt);
      expect(redelivered.mentions.map((user) => user.id)).toEqual([agent]);
      expect(validateJsonSchema(agentSchema, jsonOf(redelivered))).toEqual([]);
      expect(announcements(number, "retry")).toHaveLength(attempt);
    }
    expect(delays).toEqual([BASE_MS, BASE_MS * 2]);

    const deadLetter = await until(() => announcements(number, "dead_letter")[0]);
    expect(deadLetter.mentions).toEqual([]);
    expect(deadLetter.mention_roles).toEqual([]);
    expect(deadLetter.mention_everyone).toBe(false);
    expect(world.discord.storedMessage(deadLetter.id)?.allowedMentions).toEqual({ parse: [] });
    expect(validateJsonSchema(agentSchema, jsonOf(deadLetter))).toEqual([]);
    expect(deadLetter.content).toContain(`#${number}`);
    for (const retry of announcements(number, "retry")) expect(retry.mentions).toEqual([]);

    // No fourth delivery, and the task is in the failed list.
    await sleep(BASE_MS * 3);
    await world.app.outbox()!.drain();
    expect(
      world
        .assignmentsFor(agent)
        .filter((message) => jsonOf<AssignmentPayload>(message).task.number === number),
    ).toHaveLength(3);
    const failedList = await world.slash("alice", "tasks", "list", { status: "failed" });
    expect(JSON.stringify(failedList.embeds)).toContain(`#${number}`);
  });

  it("a lease that expires counts as a failed attempt and the task is re-delivered", async () => {
    const agent = world.id("agent-2");
    const number = await createAndAssign("Long crawl", agent);
    await until(() => assignment(agent, number, 1));
    const started = jsonOf<ReplyPayload>(await world.mention(agent, `start ${number}`));
    expect(started.task?.leaseExpiresAt).not.toBeNull();

    offsetMs += 31 * 60_000; // the agent goes silent for longer than its 30-minute lease

    const redelivered = await until(() => assignment(agent, number, 2));
    expect(jsonOf<AssignmentPayload>(redelivered)).toMatchObject({ attempt: 2, task: { failedAttempts: 1 } });
    expect(announcements(number, "retry")).toHaveLength(1);
    const task = await world.app.services.tasks.get(systemReader(world.discord.guild("HQ").id), number);
    expect(task).toMatchObject({ status: "open", attempts: 1, assigneeId: agent, leaseExpiresAt: null });
    const history = await world.app.services.tasks.history(
      systemReader(world.discord.guild("HQ").id),
      number,
    );
    const failure = history.items.find((event) => event.kind === "failed");
    expect(failure).toMatchObject({ source: "system", actorId: world.discord.botUser.id });
    expect(JSON.stringify(failure?.details)).toContain("lease expired");
  });
});
