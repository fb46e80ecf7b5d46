import { beforeAll, expect, it } from "vitest";
import type { LoggedRequest } from "../stand-in/index.ts";
import { createTask, embedOf, slash, waitForCardStatus } from "./support/act.ts";
import { useBot } from "./support/boot-bot.ts";

/** A server where the bot COULD ping everyone and a mentionable role: only allowed_mentions stops it. */
const WORLD = {
  guilds: [
    {
      name: "HQ",
      owner: "olivia",
      channels: ["general"],
      botPermissions: ["ViewChannel", "SendMessages", "EmbedLinks", "ReadMessageHistory", "MentionEveryone"],
      roles: [
        { name: "Reviewer", mentionable: true },
        { name: "Oncall", mentionable: true },
      ],
      members: ["olivia", "alice", "bob", { username: "rita", roles: ["Reviewer"] }],
    },
  ],
} as const;

const bot = useBot({ world: structuredClone(WORLD) as never });
beforeAll(async () => {
  await slash(bot, { userId: "olivia" }, "tasklane config", { "reviewer-role": "Reviewer" }).reply();
});

/** Requests that create or change a message the bot sends. */
function messageRequests(
  requests: readonly LoggedRequest[],
): { request: LoggedRequest; body: Record<string, unknown> }[] {
  const out: { request: LoggedRequest; body: Record<string, unknown> }[] = [];
  for (const request of requests) {
    const body = request.body as Record<string, unknown> | undefined;
    if (!body || request.method === "GET" || request.method === "DELETE") continue;
    if (request.route === "/interactions/:interactionId/:token/callback") {
      if ([4, 7].includes(body.type as number))
        out.push({ request, body: body.data as Record<string, unknown> });
      continue;
    }
    if (
      /^\/(channels|webhooks)\//.test(request.route ?? "") &&
      /messages|webhooks\/:applicationId\/:token$/.test(request.route ?? "")
    ) {
      out.push({ request, body });
    }
  }
  return out;
}

it("a title of '@everyone hi <@&role>' creates a task, and nothing the bot sends pings anyone but an assignee", async () => {
  const oncall = bot.discord.role("Oncall").id;
  const rita = bot.discord.user("rita").id;
  const bob = bot.discord.user("bob").id;
  const alice = bot.discord.user("alice").id;
  /** Told of an assignment (bob) or of a rework (alice, the assignee of #1). */
  const assignees = [bob, alice];
  const title = `@everyone hi <@&${oncall}>`;
  const card = await createTask(
    bot,
    { userId: "alice" },
    {
      title,
      description: `@here ping <@${rita}> and <@&${oncall}>`,
    },
  );
  expect(embedOf(card).title).toBe(`#1 · @\u200beveryone hi \\<@&${oncall}>`);

  // Every kind of answer, each carrying the user's text somewhere.
  await slash(bot, { userId: "alice" }, "task claim", { task: 1 }).reply();
  await slash(bot, { userId: "alice" }, "task comment", {
    task: 1,
    text: `@everyone look <@${bob}> <@&${oncall}>`,
  }).reply();
  await slash(bot, { userId: "alice" }, "task start", { task: 1 }).reply();
  await slash(bot, { userId: "alice" }, "task submit", { task: 1, note: `@here done <@&${oncall}>` }).reply();
  await waitForCardStatus(bot, card.id, "In review");
  await bot.discord.clickButton({ message: card.id, userId: "rita", label: "Request rework" }).modal();
  await bot.discord.submitModal({ userId: "rita", fields: { reason: `@everyone redo <@${bob}>` } }).reply();
  await slash(bot, { userId: "alice" }, "task view", { task: 1 }).reply();
  await slash(bot, { userId: "alice" }, "task history", { task: 1 }).reply();
  await slash(bot, { userId: "alice" }, "tasks list", {}).reply();
  await slash(bot, { userId: "alice" }, "tasks search", { query: "everyone" }).reply();
  await createTask(bot, { userId: "olivia" }, { title: `@everyone for <@&${oncall}>`, assignee: "bob" });
  // The assignment notification is the one message allowed to ping: bob, and only bob.
  const notification = await bot.discord.waitForMessage(
    { where: (m) => m.content.startsWith(`<@${bob}>`) },
    { timeoutMs: 10_000 },
  );
  expect(notification.mentions.map((user) => user.id)).toEqual([bob]);
  // The rework reaches #1's assignee, alice, and only her: not the reviewer, not bob, not a role.
  const rework = await bot.discord.waitForMessage(
    { where: (m) => m.content.startsWith(`<@${alice}>`) },
    { timeoutMs: 10_000 },
  );
  expect(rework.mentions.map((user) => user.id)).toEqual([alice]);

  const sent = messageRequests(bot.discord.requests.entries);
  expect(sent.length).toBeGreaterThan(10);
  for (const { request, body } of sent) {
    const where = `${request.method} ${request.route}`;
    const allowed = body.allowed_mentions as
      | { parse?: string[]; users?: string[]; roles?: string[] }
      | undefined;
    expect(typeof allowed, `${where} sets allowed_mentions`).toBe("object");
    expect(allowed!.parse ?? [], where).toEqual([]);
    expect(allowed!.roles ?? [], where).toEqual([]);
    expect(allowed!.users ?? [], where).toEqual(
      (allowed!.users ?? []).length ? [expect.toSatisfy((id: string) => assignees.includes(id))] : [],
    );
  }

  // What Discord computed for every message the bot has in the world: no @everyone, no role, no one but bob.
  for (const request of sent) {
    const id = (request.request.response as { id?: string } | undefined)?.id;
    const stored = id ? bot.discord.storedMessage(id) : undefined;
    if (!stored) continue;
    expect(stored.message.mention_everyone).toBe(false);
    expect(stored.message.mention_roles).toEqual([]);
    expect(stored.message.mentions.every((user) => assignees.includes(user.id))).toBe(true);
  }
});
