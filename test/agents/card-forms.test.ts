import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnswerPayload, ReworkPayload } from "../../src/discord/delivery/agent-payload.ts";
import { systemReader } from "../../src/services/actors.ts";
import type { ApiMessage } from "../stand-in/index.ts";
import { type AgentWorld, agentSchema, jsonOf, startAgentWorld, until } from "./agent-world.ts";
import { validateJsonSchema } from "./json-schema-subset.ts";

/** The card's forms (Answer, Submit with a note) and when a rework's lease starts; the clock is movable. */
let world: AgentWorld;
let guildId: string;
let shiftMs = 0;
const now = () => new Date(Date.now() + shiftMs);

beforeAll(async () => {
  world = await startAgentWorld({ app: { engine: { now } } });
  guildId = world.discord.guild("HQ").id;
  await world.slash("alice", "tasklane", "config", { "reviewer-role": world.discord.role("Reviewer").id });
  await world.slash("alice", "tasklane", "add", { user: world.id("agent-1") }, "agent");
  await world.slash("alice", "tasklane", "add", { user: world.id("agent-2") }, "agent");
}, 60_000);
afterAll(async () => {
  await world?.stop();
});

const fromBot = () =>
  world.discord.channelMessages("lane").filter((message) => message.author.id === world.discord.botUser.id);
const cardOf = (number: number) =>
  fromBot().find(
    (message) =>
      String(message.embeds[0]?.title ?? "").startsWith(`#${number} `) && message.components.length > 0,
  );
const fieldOf = (message: ApiMessage, name: string) =>
  (message.embeds[0]?.fields as { name: string; value: string }[] | undefined)?.find(
    (field) => field.name === name,
  )?.value;
const labelsOf = (message: ApiMessage) =>
  message.components.flatMap((row) =>
    ((row.components ?? []) as { label?: string }[]).map((button) => button.label),
  );
const isEphemeral = (message: ApiMessage) => ((message.flags ?? 0) & 64) === 64;
const placeholderOf = (modal: { components: Record<string, unknown>[] }) =>
  ((modal.components[0]?.components ?? []) as { placeholder?: string }[])[0]?.placeholder;
/** The card once `where` holds for it. */
const cardWhen = (number: number, where: (card: ApiMessage) => boolean) =>
  until(() => {
    const card = cardOf(number);
    return card && where(card) ? card : undefined;
  });

describe("the card's Answer button", () => {
  it("shows while the agent's question waits; the creator answers in its form; the agent is pinged with the answer; the attempt keeps both", async () => {
    const agent = world.id("agent-1");
    const alice = world.id("alice");
    await world.slash("alice", "task", "create", { title: "Set up the VPN docs" });
    await world.slash("alice", "task", "assign", { task: 1, assignee: agent });
    await world.mention(agent, "start 1");
    const working = await cardWhen(1, (card) => fieldOf(card, "Status") === "In progress");
    expect(labelsOf(working)).not.toContain("Answer");

    await world.mention(agent, "ask 1 Which VPN client do we support?");
    const waiting = await cardWhen(1, (card) => labelsOf(card).includes("Answer"));
    expect(fieldOf(waiting, "Status")).toBe("In progress · Waiting for an answer");

    // A member who is neither the creator nor a reviewer is refused before any form opens.
    const refused = await world.discord
      .clickButton({ message: waiting.id, userId: "bob", label: "Answer" })
      .reply();
    expect(isEphemeral(refused)).toBe(true);
    expect(refused.content).toMatch(
      /^#1 is in progress; only the creator or a reviewer can answer a question on it\./,
    );
    expect((await world.app.services.tasks.get(systemReader(guildId), 1)).question).not.toBeNull();

    const form = await world.discord
      .clickButton({ message: waiting.id, userId: "alice", label: "Answer" })
      .modal();
    expect(form.title).toBe("Answer the question on #1");
    expect(placeholderOf(form)).toBe("Q: Which VPN client do we support?");
    const updated = await world.discord
      .submitModal({ userId: "alice", fields: { text: "WireGuard only" } })
      .reply();
    expect(updated.id).toBe(waiting.id);
    expect(fieldOf(updated, "Status")).toBe("In progress");
    expect(labelsOf(updated)).not.toContain("Answer");

    // Same effect as /task answer: the agent, and only the agent, is pinged with a json answer block.
    const answer = await until(() =>
      fromBot().find((message) => message.content.startsWith(`<@${agent}> <@${alice}> answered`)),
    );
    expect(answer.mentions.map((user) => user.id)).toEqual([agent]);
    const payload = jsonOf<AnswerPayload>(answer);
    expect(validateJsonSchema(agentSchema, payload)).toEqual([]);
    expect(payload).toMatchObject({
      type: "answer",
      assignee: agent,
      answeredBy: alice,
      question: "Which VPN client do we support?",
      answer: "WireGuard only",
    });
    const task = await world.app.services.tasks.get(systemReader(guildId), 1);
    expect(task.question).toBeNull();
    expect(task.leaseExpiresAt).not.toBeNull();

    // The question and its answer are kept on the attempt: in /task attempts and /task view.
    const [attempt] = await world.app.services.tasks.attempts(systemReader(guildId), 1);
    expect(attempt?.questions).toMatchObject([
      {
        question: "Which VPN client do we support?",
        askedBy: agent,
        answer: "WireGuard only",
        answeredBy: alice,
      },
    ]);
    const listed = await world.slash("alice", "task", "attempts", { task: 1 });
    const text = String(listed.embeds[0]?.description);
    expect(text).toContain(`Q (<@${agent}>): Which VPN client do we support?`);
    expect(text).toContain(`A (<@${alice}>): WireGuard only`);
    const view = await world.slash("alice", "task", "view", { task: 1 });
    expect(fieldOf(view, "Attempts")).toContain(
      `↳ Q (<@${agent}>): Which VPN client do we support? · A (<@${alice}>): WireGuard only`,
    );
  });

  it("an Answer form sent after someone else answered is refused and changes nothing", async () => {
    const agent = world.id("agent-1");
    await world.mention(agent, "ask 1 And the DNS servers?");
    const waiting = await cardWhen(1, (card) => labelsOf(card).includes("Answer"));
    await world.discord.clickButton({ message: waiting.id, userId: "alice", label: "Answer" }).modal();
    await world.slash("rita", "task", "answer", { task: 1, text: "Use the office ones" });
    const late = await world.discord.submitModal({ userId: "alice", fields: { text: "Google's" } }).reply();
    expect(isEphemeral(late)).toBe(true);
    expect(late.content).toMatch(/^#1 has no question waiting for an answer\./);
    const [attempt] = await world.app.services.tasks.attempts(systemReader(guildId), 1);
    expect(attempt?.questions.map((asked) => asked.answer)).toEqual([
      "WireGuard only",
      "Use the office ones",
    ]);
  });
});

describe("the card's Submit with a note", () => {
  it("hands the work in with the note as the attempt's summary; the note may be left empty", async () => {
    await world.slash("alice", "task", "create", { title: "Rotate the keys" });
    await world.slash("alice", "task", "create", { title: "Rename the bucket" });
    for (const number of [2, 3]) {
      await world.slash("bob", "task", "claim", { task: number });
      await world.slash("bob", "task", "start", { task: number });
    }
    const card = await cardWhen(2, (message) => fieldOf(message, "Status") === "In progress");
    const form = await world.discord
      .clickButton({ message: card.id, userId: "bob", label: "Submit with a note" })
      .modal();
    expect(form.title).toBe("Hand in #2");
    const submitted = await world.discord
      .submitModal({ userId: "bob", fields: { note: "Rotated both keys; see the vault log" } })
      .reply();
    expect(submitted.id).toBe(card.id);
    expect(fieldOf(submitted, "Status")).toBe("In review");
    expect(fieldOf(submitted, "Submission")).toMatch(/^Rotated both keys; see the vault log\n/);
    const [attempt] = await world.app.services.tasks.attempts(systemReader(guildId), 2);
    expect(attempt).toMatchObject({ outcome: "submitted", summary: "Rotated both keys; see the vault log" });

    const other = await cardWhen(3, (message) => fieldOf(message, "Status") === "In progress");
    // Someone else's work cannot be handed in: refused before the form opens.
    const refused = await world.discord
      .clickButton({ message: other.id, userId: "alice", label: "Submit with a note" })
      .reply();
    expect(isEphemeral(refused)).toBe(true);
    expect(refused.content).toMatch(/^#3 is in progress; only the assignee \(<@\d+>\) can submit it\./);
    await world.discord
      .clickButton({ message: other.id, userId: "bob", label: "Submit with a note" })
      .modal();
    const empty = await world.discord.submitModal({ userId: "bob", fields: { note: "" } }).reply();
    expect(fieldOf(empty, "Status")).toBe("In review");
    const [plain] = await world.app.services.tasks.attempts(systemReader(guildId), 3);
    expect(plain).toMatchObject({ outcome: "submitted", summary: null });
  });
});

describe("a rework's lease", () => {
  it("starts when the rework message reaches the agent, not when the reviewer sent it back", async () => {
    const agent = world.id("agent-2");
    await world.slash("alice", "task", "create", { title: "Write the release notes" });
    await world.slash("alice", "task", "assign", { task: 4, assignee: agent });
    await world.mention(agent, "start 4");
    expect((await world.mention(agent, "submit 4 Drafted")).content).toMatch(
      /^\*\*#4\*\* submitted for review\./,
    );
    // Paused, the agent's messages wait in the outbox.
    await world.slash("alice", "tasklane", "pause", { user: agent }, "agent");
    await world.slash("rita", "task", "rework", { task: 4, reason: "Mention the breaking change" });
    const sentBack = now().getTime();
    expect((await world.app.services.tasks.get(systemReader(guildId), 4)).leaseExpiresAt).toBeNull();

    shiftMs += 20 * 60_000;
    await world.slash("alice", "tasklane", "resume", { user: agent }, "agent");
    const rework = await until(
      () =>
        fromBot().find(
          (message) =>
            message.content.startsWith(`<@${agent}>`) &&
            message.content.includes("**#4**") &&
            message.content.includes("needs rework"),
        ),
      30_000,
    );
    const payload = jsonOf<ReworkPayload>(rework);
    const task = await world.app.services.tasks.get(systemReader(guildId), 4);
    expect(task.leaseExpiresAt).toBe(payload.leaseExpiresAt);
    // 30 minutes from the delivery, 20 minutes after the rework was written.
    const leaseFromRework = Date.parse(payload.leaseExpiresAt!) - sentBack;
    expect(leaseFromRework).toBeGreaterThanOrEqual(50 * 60_000);
    expect(leaseFromRework).toBeLessThan(52 * 60_000);
  }, 60_000);
});
