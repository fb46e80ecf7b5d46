import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { type CardAction, encodeCustomId } from "../../src/discord/custom-id.ts";
import { actorEverywhere, systemReader } from "../../src/services/actors.ts";
import type { ActionContext, TransitionInput } from "../../src/services/contracts.ts";
import { queryRows } from "../../src/store/raw.ts";
import type { InteractionHandle } from "../stand-in/interactions/handle.ts";
import { embedOf, slash } from "./support/act.ts";
import { useBot, waitForLog } from "./support/boot-bot.ts";

/**
 * The permission matrix: every command, button, modal, autocomplete and mention verb, on a
 * task in the private #leads, by six kinds of member. Whoever cannot view #leads gets the answer an
 * unknown number gets and changes nothing; the others get exactly what the state table allows them.
 */
const WORLD = {
  guilds: [
    {
      name: "HQ",
      owner: "olivia",
      roles: [
        { name: "Leads" },
        { name: "Reviewer" },
        { name: "Mods" },
        { name: "Managers", permissions: ["ManageGuild" as const] },
        { name: "Admins", permissions: ["Administrator" as const] },
      ],
      channels: [
        { name: "general", overwrites: [{ role: "Mods", allow: ["ManageChannels" as const] }] },
        {
          name: "leads",
          overwrites: [
            { role: "@everyone", deny: ["ViewChannel" as const] },
            { role: "Leads", allow: ["ViewChannel" as const] },
          ],
          threads: ["plans"],
        },
      ],
      members: [
        "olivia",
        { username: "lena", roles: ["Leads"] },
        "bob",
        { username: "rita", roles: ["Reviewer"] },
        { username: "carl", roles: ["Mods"] },
        { username: "sam", roles: ["Managers"] },
        { username: "ada", roles: ["Admins"] },
      ],
    },
  ],
};

/** The member who can view #leads (no role in it), and the admin; everyone else cannot view it. */
const ACTORS = {
  lena: "member who can view",
  bob: "member who cannot view",
  rita: "reviewer-role holder without view",
  carl: "manager of another channel",
  sam: "server manager",
  ada: "admin",
} as const;
type ActorName = keyof typeof ACTORS;
const CAN_VIEW: ActorName[] = ["lena", "ada"];

const TITLE = "Salary bands";
let placed = 0;
/** A word no other task has ("qa", "qb", …): the case's own task is found by it. */
const tagOf = (n: number): string => `q${n.toString(26).replace(/\d/g, (d) => "klmnopqrst"[Number(d)]!)}`;

type Setup =
  | "open"
  | "open, theirs"
  | "in progress, theirs"
  | "in review"
  | "blocked"
  | "cancelled"
  | "open, with a dependency on it";

interface Case {
  name: string;
  setup: Setup;
  /** Besides the admin, is the member who can view (no role on the task) allowed? */
  viewerMay: boolean;
  /** A read succeeds when the answer shows the task; a write when the database changed. */
  kind: "read" | "write";
  run(actor: ActorName, task: Placed): Promise<Answer>;
}

interface Placed {
  number: number;
  /** Its title: TITLE and the tag. */
  title: string;
  tag: string;
  id: number;
  version: number;
  cardId: string;
  /** A task of #general the actor created (for depend). */
  ownGeneral: number;
}

interface Answer {
  /** What the actor read: message contents, embeds, choices. */
  text: string;
  outcome: string;
}

const bot = useBot({ world: WORLD });
let guildId: string;
let leadsId: string;
const userIds: Record<string, string> = {};
let botMention: string;

beforeAll(async () => {
  guildId = bot.discord.guild("HQ").id;
  leadsId = bot.discord.channel("leads").id;
  for (const name of ["olivia", ...Object.keys(ACTORS)]) userIds[name] = bot.discord.user(name).id;
  botMention = bot.discord.mention(bot.discord.botUser.username);
  const config = await slash(bot, { userId: "olivia", channelId: "leads" }, "tasklane config", {
    "reviewer-role": "Reviewer",
  }).reply();
  expect(config.embeds).toHaveLength(1);
}, 60_000);

/** Olivia (the owner) acting in #leads through the services: how each case's task gets its state. */
const asOwner = (): ActionContext => ({
  guildId,
  channelId: leadsId,
  actor: actorEverywhere({ userId: userIds.olivia!, permissions: ["administrator"] }),
  source: "slash",
});

async function place(setup: Setup, actor: ActorName): Promise<Placed> {
  placed += 1;
  const tag = tagOf(placed);
  const title = `${TITLE} ${tag}`;
  const created = await slash(bot, { userId: "olivia", channelId: "leads" }, "task create", {
    title,
    description: "the secret numbers",
  }).reply();
  const number = Number(embedOf(created).title!.match(/^#(\d+)/)![1]);
  const move = (input: Omit<TransitionInput, "number">) =>
    bot.app.services.tasks.transition(asOwner(), { number, ...input });
  const theirs = () => move({ action: "assign", assigneeId: userIds[actor]! });
  switch (setup) {
    case "open":
      break;
    case "open, theirs":
      await theirs();
      break;
    case "in progress, theirs":
      await theirs();
      await bot.app.services.tasks.transition(asActor(actor), { number, action: "start" });
      break;
    case "in review":
      await move({ action: "assign", assigneeId: userIds.olivia! });
      await move({ action: "start" });
      await move({ action: "submit" });
      break;
    case "blocked":
      await move({ action: "block", text: "waiting on finance" });
      break;
    case "cancelled":
      await move({ action: "cancel" });
      break;
    case "open, with a dependency on it":
      break;
  }
  const own = await slash(bot, { userId: actor }, "task create", { title: `${actor}'s own` }).reply();
  const ownGeneral = Number(embedOf(own).title!.match(/^#(\d+)/)![1]);
  if (setup === "open, with a dependency on it") {
    await bot.app.services.tasks.addDependency(asOwner(), ownGeneral, number);
  }
  const view = await bot.app.services.tasks.get(systemReader(guildId), number);
  return { number, title, tag, id: view.id, version: view.version, cardId: created.id, ownGeneral };
}

/** The actor as Tasklane's jobs would build it (every channel): only for putting a task in a state. */
const asActor = (actor: ActorName): ActionContext => ({
  guildId,
  channelId: leadsId,
  actor: actorEverywhere({ userId: userIds[actor]! }),
  source: "slash",
});

/** Waits for the bot's own account of the interaction, then reads what the actor was shown. */
async function settle(handle: InteractionHandle): Promise<Answer> {
  const line = await waitForLog(bot, (l) => l.msg === "interaction" && l.interactionId === handle.id);
  const callback = await handle.callback();
  const data = callback.data as
    | { content?: string; choices?: { name: string }[]; title?: string }
    | undefined;
  const parts = [
    data?.content ?? "",
    data?.title ?? "",
    ...(data?.choices ?? []).map((choice) => choice.name),
    // The clicked card itself is not an answer (a forged click names a card the actor never saw).
    ...handle
      .messages()
      .filter((message) => message.id !== handle.record.sourceMessageId)
      .map((message) => `${message.content}\n${JSON.stringify(message.embeds)}`),
  ];
  return { text: parts.join("\n"), outcome: String(line.outcome) };
}

const run = (actor: ActorName, command: string, options: Record<string, string | number> = {}) =>
  settle(slash(bot, { userId: actor, unchecked: true }, command, options));

const click = (actor: ActorName, task: Placed, action: CardAction) =>
  settle(
    bot.discord.clickButton({
      message: task.cardId,
      userId: actor,
      customId: encodeCustomId({
        kind: "card",
        action,
        taskId: task.id,
        number: task.number,
        version: task.version,
      }),
      unchecked: true,
    }),
  );

async function mention(actor: ActorName, text: string): Promise<Answer> {
  const since = bot.discord.messageMark();
  const sent = bot.discord.sendMessage({
    channelId: "general",
    authorId: actor,
    content: `${botMention} ${text}`,
  });
  const reply = await bot.discord.waitForMessage(
    { sentBy: "bot", kind: "create", where: (message) => message.message_reference?.message_id === sent.id },
    { since, timeoutMs: 5_000 },
  );
  const line = await waitForLog(bot, (l) => l.msg === "mention" && l.messageId === sent.id);
  return { text: reply.content, outcome: String(line.outcome) };
}

const CASES: Case[] = [
  {
    name: "/task view",
    setup: "open",
    viewerMay: true,
    kind: "read",
    run: (a, t) => run(a, "task view", { task: t.number }),
  },
  {
    name: "/task history",
    setup: "open",
    viewerMay: true,
    kind: "read",
    run: (a, t) => run(a, "task history", { task: t.number }),
  },
  {
    name: "/task edit",
    setup: "open",
    viewerMay: false,
    kind: "write",
    run: (a, t) => run(a, "task edit", { task: t.number, priority: "high" }),
  },
  {
    name: "/task assign",
    setup: "open",
    viewerMay: false,
    kind: "write",
    run: (a, t) => run(a, "task assign", { task: t.number, assignee: "olivia" }),
  },
  {
    name: "/task claim",
    setup: "open",
    viewerMay: true,
    kind: "write",
    run: (a, t) => run(a, "task claim", { task: t.number }),
  },
  {
    name: "/task start",
    setup: "open, theirs",
    viewerMay: true,
    kind: "write",
    run: (a, t) => run(a, "task start", { task: t.number }),
  },
  {
    name: "/task submit",
    setup: "in progress, theirs",
    viewerMay: true,
    kind: "write",
    run: (a, t) => run(a, "task submit", { task: t.number, note: "done" }),
  },
  {
    name: "/task approve",
    setup: "in review",
    viewerMay: false,
    kind: "write",
    run: (a, t) => run(a, "task approve", { task: t.number }),
  },
  {
    name: "/task rework",
    setup: "in review",
    viewerMay: false,
    kind: "write",
    run: (a, t) => run(a, "task rework", { task: t.number, reason: "again" }),
  },
  {
    name: "/task block",
    setup: "open",
    viewerMay: false,
    kind: "write",
    run: (a, t) => run(a, "task block", { task: t.number, reason: "wait" }),
  },
  {
    name: "/task unblock",
    setup: "blocked",
    viewerMay: false,
    kind: "write",
    run: (a, t) => run(a, "task unblock", { task: t.number }),
  },
  {
    name: "/task cancel",
    setup: "open",
    viewerMay: false,
    kind: "write",
    run: (a, t) => run(a, "task cancel", { task: t.number }),
  },
  {
    name: "/task reopen",
    setup: "cancelled",
    viewerMay: false,
    kind: "write",
    run: (a, t) => run(a, "task reopen", { task: t.number }),
  },
  {
    name: "/task comment",
    setup: "open",
    viewerMay: true,
    kind: "write",
    run: (a, t) => run(a, "task comment", { task: t.number, text: "hi" }),
  },
  {
    name: "/task depend (as the waiting task)",
    setup: "open",
    viewerMay: false,
    kind: "write",
    run: (a, t) => run(a, "task depend", { task: t.number, on: t.ownGeneral }),
  },
  {
    name: "/task depend (on it)",
    setup: "open",
    viewerMay: true,
    kind: "write",
    run: (a, t) => run(a, "task depend", { task: t.ownGeneral, on: t.number }),
  },
  {
    name: "/task undepend (on it)",
    setup: "open, with a dependency on it",
    viewerMay: true,
    kind: "write",
    run: (a, t) => run(a, "task undepend", { task: t.ownGeneral, on: t.number }),
  },
  {
    name: "/task create parent:",
    setup: "open",
    viewerMay: true,
    kind: "write",
    run: (a, t) => run(a, "task create", { title: "A subtask", parent: t.number }),
  },
  {
    name: "/task create depends-on:",
    setup: "open",
    viewerMay: true,
    kind: "write",
    run: (a, t) => run(a, "task create", { title: "Waits", "depends-on": String(t.number) }),
  },
  {
    name: "/tasks list scope:server",
    setup: "open",
    viewerMay: true,
    kind: "read",
    run: (a) => run(a, "tasks list", { scope: "server", status: "all" }),
  },
  {
    name: "/tasks mine",
    setup: "open, theirs",
    viewerMay: true,
    kind: "read",
    run: (a) => run(a, "tasks mine"),
  },
  {
    name: "/tasks search",
    setup: "open",
    viewerMay: true,
    kind: "read",
    run: (a, t) => run(a, "tasks search", { query: t.tag }),
  },
  {
    name: "/tasks stats scope:server",
    setup: "open",
    viewerMay: true,
    kind: "read",
    run: (a) => run(a, "tasks stats", { scope: "server" }),
  },
  {
    name: "autocomplete",
    setup: "open",
    viewerMay: true,
    kind: "read",
    run: (a, t) =>
      settle(
        bot.discord.autocomplete({
          channelId: "general",
          userId: a,
          name: "task",
          subcommand: "view",
          options: { task: t.tag },
          focused: "task",
          unchecked: true,
        }),
      ),
  },
  {
    name: "button Claim",
    setup: "open",
    viewerMay: true,
    kind: "write",
    run: (a, t) => click(a, t, "claim"),
  },
  {
    name: "button Start",
    setup: "open, theirs",
    viewerMay: true,
    kind: "write",
    run: (a, t) => click(a, t, "start"),
  },
  {
    name: "button Submit",
    setup: "in progress, theirs",
    viewerMay: true,
    kind: "write",
    run: (a, t) => click(a, t, "submit"),
  },
  {
    name: "button Release",
    setup: "in progress, theirs",
    viewerMay: true,
    kind: "write",
    run: (a, t) => click(a, t, "release"),
  },
  {
    name: "button Approve",
    setup: "in review",
    viewerMay: false,
    kind: "write",
    run: (a, t) => click(a, t, "approve"),
  },
  {
    name: "button Request rework (opens the form)",
    setup: "in review",
    viewerMay: false,
    kind: "read",
    run: (a, t) => click(a, t, "rework"),
  },
  {
    name: "button Unblock",
    setup: "blocked",
    viewerMay: false,
    kind: "write",
    run: (a, t) => click(a, t, "unblock"),
  },
  {
    name: "button Reopen",
    setup: "cancelled",
    viewerMay: false,
    kind: "write",
    run: (a, t) => click(a, t, "reopen"),
  },
  {
    name: "modal Request rework",
    setup: "in review",
    viewerMay: false,
    kind: "write",
    run: async (a, t) => {
      // The admin submits the form the button opened; anyone else can only forge one.
      if (a === "ada") {
        await click(a, t, "rework");
        return settle(bot.discord.submitModal({ userId: a, fields: { reason: "needs more" } }));
      }
      return settle(
        bot.discord.submitModal({
          userId: a,
          customId: encodeCustomId({
            kind: "card_form",
            form: "rework-reason",
            taskId: t.id,
            version: t.version,
          }),
          fields: { reason: "needs more" },
          unchecked: true,
          channelId: "leads",
        }),
      );
    },
  },
  {
    name: "@Tasklane view",
    setup: "open, theirs",
    viewerMay: true,
    kind: "read",
    run: (a, t) => mention(a, `view ${t.number}`),
  },
  {
    name: "@Tasklane start",
    setup: "open, theirs",
    viewerMay: true,
    kind: "write",
    run: (a, t) => mention(a, `start ${t.number}`),
  },
  {
    name: "@Tasklane progress",
    setup: "in progress, theirs",
    viewerMay: true,
    kind: "write",
    run: (a, t) => mention(a, `progress ${t.number} halfway`),
  },
  {
    name: "@Tasklane submit",
    setup: "in progress, theirs",
    viewerMay: true,
    kind: "write",
    run: (a, t) => mention(a, `submit ${t.number} done`),
  },
  {
    name: "@Tasklane fail",
    setup: "in progress, theirs",
    viewerMay: true,
    kind: "write",
    run: (a, t) => mention(a, `fail ${t.number} broke`),
  },
  {
    name: "@Tasklane release",
    setup: "in progress, theirs",
    viewerMay: true,
    kind: "write",
    run: (a, t) => mention(a, `release ${t.number}`),
  },
];

/** Every table a change writes, with versions: equal snapshots mean nothing was changed. */
async function snapshot() {
  const [row] = await queryRows<Record<string, number>>(
    bot.app.database.db,
    sql`SELECT
      (SELECT count(*)::int FROM tasks) AS tasks,
      (SELECT coalesce(sum(version), 0)::int FROM tasks) AS versions,
      (SELECT count(*)::int FROM task_events) AS events,
      (SELECT count(*)::int FROM task_reviews) AS reviews,
      (SELECT count(*)::int FROM task_dependencies) AS dependencies,
      (SELECT count(*)::int FROM outbox) AS outbox`,
  );
  return row!;
}

async function changedSince(before: Record<string, number>): Promise<boolean> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const now = await snapshot();
    if (JSON.stringify(now) !== JSON.stringify(before)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("permission matrix: a task in the private #leads", () => {
  for (const [actor, who] of Object.entries(ACTORS) as [ActorName, string][]) {
    describe(`${actor}, ${who}`, () => {
      for (const testCase of CASES) {
        const allowed = actor === "ada" || (actor === "lena" && testCase.viewerMay);
        it(`${testCase.name}: ${allowed ? "allowed" : CAN_VIEW.includes(actor) ? "refused by the rules" : "as if unknown"}`, async () => {
          const task = await place(testCase.setup, actor);
          const before = await snapshot();
          const answer = await testCase.run(actor, task);
          if (!CAN_VIEW.includes(actor)) {
            expect(answer.text, answer.text).not.toContain(TITLE);
            if (testCase.kind === "write" || !/list|mine|search|stats|autocomplete/.test(testCase.name)) {
              expect(answer.text).toContain(`There is no task #${task.number} in this server.`);
              expect(answer.outcome).toBe("refused:not_found");
            }
            expect(await snapshot()).toEqual(before);
            return;
          }
          if (!allowed) {
            expect(answer.outcome).toMatch(/^refused:/);
            expect(answer.text).not.toContain(`There is no task #${task.number}`);
            expect(await snapshot()).toEqual(before);
            return;
          }
          expect(answer.outcome, answer.text).toBe("ok");
          if (testCase.kind === "write") expect(await changedSince(before)).toBe(true);
          else if (/stats|mine/.test(testCase.name)) expect(answer.text).toContain(TITLE);
          else if (!testCase.name.includes("rework")) expect(answer.text).toContain(task.title);
        });
      }
    });
  }
});

describe("a thread of #leads is as private as #leads", () => {
  it("is unknown to who cannot view #leads, and shows as '#N (private)' on a public card", async () => {
    const plans = bot.discord.channel("plans").id;
    const created = await slash(bot, { userId: "lena", channelId: plans }, "task create", {
      title: "Thread secret",
    }).reply();
    const number = Number(embedOf(created).title!.match(/^#(\d+)/)![1]);
    const before = await snapshot();
    const seen = await run("bob", "task view", { task: number });
    expect(seen.text).toContain(`There is no task #${number} in this server.`);
    const claim = await run("bob", "task claim", { task: number });
    expect(claim.outcome).toBe("refused:not_found");
    expect(await snapshot()).toEqual(before);
    expect((await run("lena", "task view", { task: number })).text).toContain("Thread secret");

    const child = await slash(bot, { userId: "lena" }, "task create", {
      title: "Public follow-up",
      parent: number,
    }).reply();
    const card = JSON.stringify(child.embeds);
    expect(card).toContain(`#${number} (private)`);
    expect(card).not.toContain("Thread secret");
  });
});
