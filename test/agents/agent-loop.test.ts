import { beforeAll, expect, it } from "vitest";
import type { AnswerPayload, ReplyPayload, ReworkPayload } from "../../src/discord/delivery/agent-payload.ts";
import { systemReader } from "../../src/services/actors.ts";
import type { ApiMessage } from "../stand-in/index.ts";
import { agentSchema, jsonOf, until, useAgentWorld, WORLD } from "./agent-world.ts";
import { validateJsonSchema } from "./json-schema-subset.ts";

/** HQ plus "qa", a bot agent holding the Reviewer role: it may approve by mention. */
const base = WORLD.guilds![0]!;
const guild = { ...base, members: [...base.members!, { username: "qa", bot: true, roles: ["Reviewer"] }] };
const world = useAgentWorld({ standIn: { guilds: [guild] } });
beforeAll(async () => {
  await world.slash("alice", "tasklane", "config", { "reviewer-role": world.discord.role("Reviewer").id });
  await world.slash("alice", "tasklane", "add", { user: world.id("agent-0") }, "agent");
  await world.slash("alice", "tasklane", "add", { user: world.id("qa") }, "agent");
}, 60_000);

const fields = (message: ApiMessage) =>
  ((message.embeds[0]?.fields ?? []) as { name: string; value: string }[]).reduce<Record<string, string>>(
    (all, field) => Object.assign(all, { [field.name]: field.value }),
    {},
  );

it("an agent's whole loop: assigned → start → submit with evidence → rework → ask → answer → submit again → a QA agent approves → the dependent unblocks", async () => {
  const { discord } = world;
  const guildId = discord.guild("HQ").id;
  const agent = world.id("agent-0");
  const alice = world.id("alice");
  const rita = world.id("rita");
  const role = discord.role("Reviewer").id;
  const fromBot = () => discord.channelMessages("lane").filter((m) => m.author.id === discord.botUser.id);
  const waitFor = (where: (message: ApiMessage) => boolean) => until(() => fromBot().find(where));
  const cardOf = (number: number) =>
    fromBot().find(
      (m) => String(m.embeds[0]?.title ?? "").startsWith(`#${number} `) && m.components.length > 0,
    );
  /** Every message the bot posts on its own, with whom it pinged. */
  const pings: { content: string; users: string[] }[] = [];

  await world.slash("alice", "task", "create", { title: "Write the onboarding docs" });
  await world.slash("alice", "task", "create", { title: "Publish the docs", "depends-on": "1" });
  expect((await world.app.services.tasks.get(systemReader(guildId), 2)).status).toBe("blocked");
  await world.slash("alice", "task", "assign", { task: 1, assignee: agent });
  await until(() => world.assignmentsFor(agent)[0]);

  // start → submit with evidence
  expect(jsonOf<ReplyPayload>(await world.mention(agent, "start 1"))).toMatchObject({ ok: true });
  const evidence = {
    files: [{ path: "docs/onboarding.md", change: "added" }],
    tests: { passed: 3, failed: 1, skipped: 2 },
  };
  await world.mention(
    agent,
    `submit 1 Wrote docs/onboarding.md\n\`\`\`json\n${JSON.stringify(evidence)}\n\`\`\``,
  );

  // The reviewer sees the evidence on the card; the channel is told, naming the role without a ping.
  const inReview = await until(() => {
    const card = cardOf(1);
    return card && fields(card).Status === "In review" ? card : undefined;
  });
  expect(fields(inReview).Submission).toBe(
    `Wrote docs/onboarding.md\nFiles: \`docs/onboarding.md\` added\nTests: 3 passed, 1 failed, 2 skipped\nAttempt 1 by <@${agent}>`,
  );
  const ready = await waitFor((m) =>
    m.content.startsWith("**#1** · Write the onboarding docs is ready for review"),
  );
  expect(ready.content).toContain(`by <@&${role}>`);
  expect(ready.mention_roles).toEqual([]);

  // rework with a reason, through the card's button and form
  await discord.clickButton({ message: inReview.id, userId: "rita", label: "Request rework" }).modal();
  await discord.submitModal({ userId: "rita", fields: { reason: "Add the VPN section" } }).reply();
  const rework = await waitFor(
    (m) => m.content.startsWith(`<@${agent}>`) && m.content.includes("needs rework"),
  );
  const reworkJson = jsonOf<ReworkPayload>(rework);
  expect(validateJsonSchema(agentSchema, reworkJson)).toEqual([]);
  expect(reworkJson).toMatchObject({
    type: "rework",
    reason: "Add the VPN section",
    reviewer: rita,
    rework: 1,
    attempt: 2,
  });
  expect(rework.mentions.map((user) => user.id)).toEqual([agent]);

  // ask → the creator is pinged, the lease pauses, the card says so
  const asked = await world.mention(agent, "ask 1 Which VPN client do we support?");
  expect(jsonOf<ReplyPayload>(asked)).toMatchObject({
    command: "ask",
    ok: true,
    task: { leaseExpiresAt: null },
  });
  const question = await waitFor((m) => m.content.startsWith(`<@${alice}> <@${agent}> asks about **#1**`));
  expect(question.content).toContain("> Which VPN client do we support?");
  expect(question.mentions.map((user) => user.id)).toEqual([alice]);
  await until(() => {
    const card = cardOf(1);
    return card && fields(card).Status === "In progress (rework 1) · Waiting for an answer";
  });
  expect((await world.app.services.tasks.get(systemReader(guildId), 1)).leaseExpiresAt).toBeNull();

  // answer → the agent is pinged with a json block of type answer; the lease runs again
  const answered = await world.slash("alice", "task", "answer", { task: 1, text: "WireGuard only" });
  expect(answered.content).toBe("Answer sent to the assignee of **#1**.");
  const answer = await waitFor((m) => m.content.startsWith(`<@${agent}> <@${alice}> answered`));
  const answerJson = jsonOf<AnswerPayload>(answer);
  expect(validateJsonSchema(agentSchema, answerJson)).toEqual([]);
  expect(answerJson).toMatchObject({
    type: "answer",
    assignee: agent,
    answeredBy: alice,
    question: "Which VPN client do we support?",
    answer: "WireGuard only",
  });
  expect(answerJson.leaseExpiresAt).not.toBeNull();
  expect(answer.mentions.map((user) => user.id)).toEqual([agent]);

  // submit again: a 3,000-character summary, readable to its end
  const long = `${"Added the VPN section with WireGuard steps. ".repeat(69)}THE END`;
  expect(long.length).toBeGreaterThan(3000);
  await world.mention(agent, `submit 1 ${long}`);
  const attempts = await world.app.services.tasks.attempts(systemReader(guildId), 1);
  expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
    [1, "submitted"],
    [2, "submitted"],
  ]);
  expect(attempts[1]!.summary).toBe(long);

  // a QA agent (Reviewer role) approves by mention; the dependent task unblocks, named as Tasklane's doing
  const approved = await world.mention(world.id("qa"), "approve 1 Checked every step");
  expect(jsonOf<ReplyPayload>(approved)).toMatchObject({
    command: "approve",
    ok: true,
    task: { status: "done" },
  });
  const unblocked = await until(() => {
    const card = cardOf(2);
    return card && fields(card).Status === "Open" ? card : undefined;
  });
  expect(unblocked.embeds[0]?.footer).toMatchObject({
    text: "Created by Alice · last: unblocked by Tasklane: #1 done",
  });
  const history = await world.slash("alice", "task", "history", { task: 2 });
  // History notes are escaped like user text: Discord shows "\#1 done" as "#1 done".
  expect(String(history.embeds[0]?.description)).toMatch(
    /· Tasklane · \*\*unblocked\*\* \(Blocked → Open\) · system — \\#1 done/,
  );

  // Nothing pinged anyone it should not: each ping went to the one person the message was for.
  await world.app.outbox()!.drain();
  for (const message of fromBot()) {
    pings.push({ content: message.content.slice(0, 60), users: message.mentions.map((user) => user.id) });
    expect(message.mention_everyone).toBe(false);
    expect(message.mention_roles).toEqual([]);
  }
  const pinged = pings.filter((ping) => ping.users.length > 0);
  expect(pinged.map((ping) => ping.users)).toEqual([[agent], [agent], [alice], [agent]]);
});
