import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { readJsonBlock } from "../../src/discord/delivery/json-block.ts";
import { createTask, slash } from "../discord/support/act.ts";
import { useBot } from "../discord/support/boot-bot.ts";
import { type ApiMessage, type InteractionHandle, StandInUsageError } from "../stand-in/index.ts";

/**
 * 10,000 generated interactions and mentions through the stand-in and the real client: random option
 * values (huge numbers, unicode, markdown, fences, mentions), forged custom_ids and modals, other
 * guilds' ids. Nothing may fail internally, ping anyone but an assignee, break Discord's limits, or —
 * in the phase made only of actions nobody is allowed — change the database.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const TOTAL = Number(process.env.FUZZ_TOTAL ?? 10_000);
const FORBIDDEN_SHARE = 0.3;
const IN_FLIGHT = Number(process.env.FUZZ_IN_FLIGHT ?? 4);

const WORLD = {
  guilds: [
    {
      name: "HQ",
      owner: "olivia",
      channels: ["general", "backend"],
      roles: [
        { name: "Reviewer", mentionable: true },
        { name: "Leads", permissions: ["ManageChannels"] },
      ],
      botPermissions: ["ViewChannel", "SendMessages", "EmbedLinks", "ReadMessageHistory", "MentionEveryone"],
      members: [
        "olivia",
        "alice",
        "bob",
        { username: "rita", roles: ["Reviewer"] },
        { username: "lee", roles: ["Leads"] },
        "mallory",
        { username: "robo", bot: true },
      ],
    },
    { name: "Elsewhere", channels: ["general"], members: ["eve"] },
  ],
};
const HQ_MEMBERS = ["olivia", "alice", "bob", "rita", "lee", "mallory", "robo"];
const HQ_CHANNELS = ["general", "backend"];

/** mulberry32: the same seed replays the same run (FUZZ_SEED=… to reproduce a failure). */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}

type Rng = ReturnType<typeof random>;

// Every mention must get an answer here; an agent past its command budget is answered once and then
// ignored on purpose (test/agents/loop-safety.test.ts), so the budget is lifted out of this test's way.
const bot = useBot({
  world: structuredClone(WORLD) as never,
  logLevel: "info",
  agentCommandBudget: 1_000_000,
});
let ids: { users: string[]; roles: string[]; channels: string[]; botId: string };
const cards: { id: string; number: number }[] = [];
let elsewhereCardId = "";
let maxTaskId = 1;
/** Internal ids of HQ's tasks: what eve's forged buttons and forms name. */
let hqTaskIds: number[] = [1];

function fragments(): string[] {
  const [user = "1", other = "2"] = ids.users;
  return [
    "[x](https://e.example)",
    "[Reset your password](https://evil.example/login)",
    '```json\n{"tasklane":1,"type":"assignment","assignee":"1"}\n```',
    "```",
    "`code`",
    "@everyone",
    "@here",
    `<@${user}>`,
    `<@!${other}>`,
    `<@&${ids.roles[0]}>`,
    `<#${ids.channels[0]}>`,
    "<t:0:R>",
    `</task view:${ids.botId}>`,
    "# Heading",
    "-# small",
    "> quote",
    "- item",
    "1. first",
    "**bold** __u__ ~~s~~ ||spoiler||",
    "ｆｕｌｌｗｉｄｔｈ",
    "👩‍💻🧪",
    "\u202eevil\u202c",
    "\u0000\u0007\u001b[31m",
    "\n",
    "\r\n",
    "\t",
    "z̷̢̛a̵l̶g̸o",
    "'; DROP TABLE tasks; --",
    `%s %n {{7*7}} $${"{x}"}`,
    "\\",
    "#12",
    "3d",
    "ok",
    "Fix the login",
  ];
}

function text(rng: Rng, max: number): string {
  const parts: string[] = [];
  const count = rng.int(0, 6);
  const pool = fragments();
  for (let i = 0; i < count; i += 1) parts.push(rng.pick(pool));
  if (rng.chance(0.05)) parts.push("x".repeat(rng.int(0, max)));
  if (rng.chance(0.03)) parts.push("```".repeat(rng.int(1, 50)));
  const joined = parts.join(rng.pick([" ", "", "\n"]));
  return joined.slice(0, max);
}

function taskNumber(rng: Rng): number {
  return rng.pick([
    () => rng.int(1, Math.max(1, cards.length + 2)),
    () => rng.int(1, 40),
    () => 2_147_483_647,
    () => 2_147_483_648,
    () => 3_000_000_000,
    () => 9_999_999_999,
    () => Number.MAX_SAFE_INTEGER,
    () => rng.int(1, 2 ** 40),
  ])();
}

function bigNumber(rng: Rng): number {
  return rng.pick([2_147_483_648, 3_000_000_000, 9_999_999_999, Number.MAX_SAFE_INTEGER, 2 ** 40 + 7]);
}

function duration(rng: Rng): string {
  return rng
    .pick([
      "3d",
      "2h",
      "90m",
      "2030-01-01",
      "2031-02-30",
      "300000000d",
      `${"9".repeat(rng.int(10, 40))}m`,
      "1h30m",
      "-1d",
      "0m",
      "tomorrow",
      text(rng, 100),
    ])
    .slice(0, 50);
}

function taskFields(rng: Rng, titleRequired: boolean): Record<string, string | number> {
  const options: Record<string, string | number> = {};
  if (titleRequired || rng.chance(0.5)) options.title = text(rng, 200) || "t";
  if (rng.chance(0.4)) options.description = text(rng, 4000);
  if (rng.chance(0.2)) options.priority = rng.pick(["low", "medium", "high", "critical"]);
  if (rng.chance(0.2)) options.assignee = rng.pick(HQ_MEMBERS);
  if (rng.chance(0.3)) options.labels = rng.pick(["bug", "a,b,c", "bug!", text(rng, 400), "x".repeat(40)]);
  if (rng.chance(0.3)) options.due = duration(rng);
  if (rng.chance(0.2)) options.estimate = duration(rng);
  if (rng.chance(0.1)) options.parent = taskNumber(rng);
  if (rng.chance(0.1)) options["depends-on"] = rng.pick(["1", "1, 2", "3000000000", "#1 #2", text(rng, 200)]);
  return options;
}

type Sent = { kind: "interaction"; handle: InteractionHandle } | { kind: "mention"; messageId: string };

/** One generated slash command: a random subcommand with random (definition-valid) option values. */
function slashCommand(rng: Rng, number: () => number): { command: string; options: Record<string, unknown> } {
  const task = () => ({ task: number() });
  return rng.pick([
    () => ({ command: "task create", options: taskFields(rng, true) }),
    () => ({ command: "task view", options: task() }),
    () => ({ command: "task edit", options: { ...task(), ...taskFields(rng, false) } }),
    () => ({
      command: "task assign",
      options: { ...task(), ...(rng.chance(0.7) ? { assignee: rng.pick(HQ_MEMBERS) } : {}) },
    }),
    () => ({ command: "task claim", options: rng.chance(0.8) ? task() : {} }),
    () => ({ command: "task start", options: task() }),
    () => ({ command: "task submit", options: { ...task(), note: text(rng, 1000) } }),
    () => ({ command: "task approve", options: { ...task(), comment: text(rng, 1000) } }),
    () => ({ command: "task rework", options: { ...task(), reason: text(rng, 1000) || "r" } }),
    () => ({ command: "task block", options: { ...task(), reason: text(rng, 1000) || "r" } }),
    () => ({ command: "task unblock", options: task() }),
    () => ({ command: "task cancel", options: { ...task(), reason: text(rng, 1000) } }),
    () => ({ command: "task reopen", options: task() }),
    () => ({ command: "task depend", options: { ...task(), on: number() } }),
    () => ({ command: "task undepend", options: { ...task(), on: number() } }),
    () => ({ command: "task comment", options: { ...task(), text: text(rng, 1000) || "c" } }),
    () => ({ command: "task history", options: task() }),
    () => ({
      command: "tasks list",
      options: {
        ...(rng.chance(0.5) ? { scope: rng.pick(["channel", "server"]) } : {}),
        ...(rng.chance(0.3) ? { label: text(rng, 32) || "bug" } : {}),
        ...(rng.chance(0.2) ? { assignee: rng.pick(HQ_MEMBERS) } : {}),
        ...(rng.chance(0.2) ? { status: rng.pick(["live", "open", "done", "failed"]) } : {}),
      },
    }),
    () => ({ command: "tasks queue", options: {} }),
    () => ({ command: "tasks mine", options: {} }),
    () => ({ command: "tasks search", options: { query: text(rng, 200) || "fix" } }),
    () => ({ command: "tasks stats", options: {} }),
  ])();
}

function guarded(send: () => Sent): Sent | null {
  try {
    return send();
  } catch (error) {
    // Discord's client would not send it (an option over its max length, say): not an interaction.
    if (error instanceof StandInUsageError) return null;
    throw error;
  }
}

/** Anything HQ's members may try: most is allowed, some refused. */
function anyAction(rng: Rng): Sent | null {
  const user = rng.pick(HQ_MEMBERS.filter((name) => name !== "robo"));
  const channelId = rng.pick(HQ_CHANNELS);
  const roll = rng.next();
  if (roll < 0.45) {
    const { command, options } = slashCommand(rng, () => taskNumber(rng));
    const unchecked = rng.chance(0.2);
    return guarded(() => ({
      kind: "interaction",
      handle: slash(bot, { userId: user, channelId, guildId: "HQ", unchecked }, command, options as never),
    }));
  }
  if (roll < 0.55) return guarded(() => autocomplete(rng, user, channelId, "HQ"));
  if (roll < 0.7 && cards.length > 0) {
    const card = rng.pick(cards);
    const message = bot.discord.message(card.id);
    const labels = (message?.components ?? []).flatMap((row) =>
      ((row.components ?? []) as { label?: string }[]).map((button) => button.label ?? ""),
    );
    if (labels.length > 0 && rng.chance(0.7)) {
      return guarded(() => ({
        kind: "interaction",
        handle: bot.discord.clickButton({ message: card.id, userId: user, label: rng.pick(labels) }),
      }));
    }
    return guarded(() => ({
      kind: "interaction",
      handle: bot.discord.clickButton({
        message: card.id,
        userId: user,
        customId: forgedId(rng),
        unchecked: true,
      }),
    }));
  }
  if (roll < 0.8) return guarded(() => forgedModal(rng, user, channelId, "HQ"));
  if (roll < 0.82) {
    return guarded(() => ({
      kind: "interaction",
      handle: slash(
        bot,
        { userId: rng.pick(["mallory", "bob", "lee"]), channelId, guildId: "HQ", unchecked: true },
        rng.pick(["tasklane config", "tasklane agent list"]),
        rng.chance(0.5) ? { "queue-limit": rng.int(1, 10_000) } : {},
      ),
    }));
  }
  return guarded(() => mention(rng, rng.chance(0.4) ? "robo" : user, channelId, "HQ", () => taskNumber(rng)));
}

/** Only what nobody is allowed: numbers past 2³¹−1, garbage and other guilds' ids, eve reaching into HQ. */
function forbiddenAction(rng: Rng): Sent | null {
  const roll = rng.next();
  if (roll < 0.3) {
    const user = rng.pick(HQ_MEMBERS.filter((name) => name !== "robo"));
    let picked = slashCommand(rng, () => bigNumber(rng));
    while (!("task" in picked.options) || picked.command === "task view" || picked.command === "task history")
      picked = slashCommand(rng, () => bigNumber(rng));
    return guarded(() => ({
      kind: "interaction",
      handle: slash(
        bot,
        { userId: user, channelId: rng.pick(HQ_CHANNELS), guildId: "HQ" },
        picked.command,
        picked.options as never,
      ),
    }));
  }
  if (roll < 0.5) {
    // eve, in a server of her own, names HQ's task numbers (Elsewhere has only her #1).
    let picked = slashCommand(rng, () => rng.int(2, 2 ** 40));
    while (picked.command === "task create" || picked.command === "task claim")
      picked = slashCommand(rng, () => rng.int(2, 2 ** 40));
    return guarded(() => ({
      kind: "interaction",
      handle: slash(
        bot,
        { userId: "eve", channelId: "general", guildId: "Elsewhere" },
        picked.command,
        picked.options as never,
      ),
    }));
  }
  if (roll < 0.7) {
    // eve clicks forged buttons on her own card that name HQ's tasks by their internal ids.
    const action = rng.pick([
      "claim",
      "start",
      "submit",
      "release",
      "approve",
      "rework",
      "unblock",
      "reopen",
    ]);
    // As a current card (t2, with a number of her own server's or HQ's) or one posted before (t1).
    const named = `${rng.pick(hqTaskIds)}`;
    const customId = rng.chance(0.8)
      ? rng.chance(0.5)
        ? `t1:${action}:${named}:${rng.int(1, 5)}`
        : `t2:${action}:${named}:${rng.int(1, 3)}:${rng.int(1, 5)}`
      : forgedId(rng);
    return guarded(() => ({
      kind: "interaction",
      handle: bot.discord.clickButton({ message: elsewhereCardId, userId: "eve", customId, unchecked: true }),
    }));
  }
  if (roll < 0.85) return guarded(() => forgedModal(rng, "eve", "general", "Elsewhere", true));
  return guarded(() => mention(rng, "eve", "general", "Elsewhere", () => rng.int(2, 2 ** 40), true));
}

function autocomplete(rng: Rng, user: string, channelId: string, guildId: string): Sent {
  const [subcommand, focused] = rng.pick([
    ["view", "task"],
    ["edit", "task"],
    ["create", "parent"],
    ["depend", "on"],
    ["comment", "task"],
  ] as const);
  const value = rng.pick([
    "9999999999",
    "#2147483648",
    "99999999999999999999",
    "",
    "1",
    "#1",
    text(rng, 100),
    "fix login",
  ]);
  const options: Record<string, string | number> =
    subcommand === "create"
      ? { title: "x", parent: value }
      : subcommand === "depend"
        ? { task: 1, on: value }
        : subcommand === "comment"
          ? { task: value, text: "x" }
          : { task: value };
  return {
    kind: "interaction",
    handle: bot.discord.autocomplete({
      guildId,
      channelId,
      userId: user,
      name: "task",
      subcommand,
      focused,
      options,
    }),
  };
}

function forgedId(rng: Rng): string {
  return rng.pick([
    () => "",
    () => "garbage",
    () => "t1",
    () => "t1:approve",
    () => `t1:approve:${bigNumber(rng)}:1`,
    () => `t1:approve:1:${bigNumber(rng)}`,
    () => `t1:delete:1:1`,
    () => `t1:approve:-1:1`,
    () => `t1:approve:01:1`,
    () => `t2:approve:1:1`,
    () => `t2:approve:1:${bigNumber(rng)}:1`,
    () => `t2:claim:${rng.int(1, maxTaskId + 3)}:${rng.int(1, maxTaskId + 3)}:${rng.int(1, 9)}`,
    () => `t1:page:${"A".repeat(rng.int(1, 60))}`,
    () => `t1:page:../../etc`,
    () => `t1:rework-reason:${rng.int(1, maxTaskId + 3)}:${rng.int(1, 9)}`,
    () => "x".repeat(100),
    () => text(rng, 100) || "?",
  ])();
}

function forgedModal(rng: Rng, user: string, channelId: string, guildId: string, foreign = false): Sent {
  const taskId = foreign ? rng.pick(hqTaskIds) : rng.int(1, maxTaskId + 5);
  const customId = rng.pick([
    `t1:rework-reason:${taskId}:${rng.int(1, 5)}`,
    ...(foreign ? [] : ["t1:create-task"]),
    "t1:page:abc",
    "garbage",
    `t1:rework-reason:${bigNumber(rng)}:1`,
  ]);
  const fields: Record<string, string> = {};
  for (const name of ["reason", "title", "description", "labels", "due", "note"]) {
    if (rng.chance(0.4)) fields[name] = name === "due" ? duration(rng) : text(rng, 400);
  }
  return {
    kind: "interaction",
    handle: bot.discord.submitModal({ userId: user, unchecked: true, channelId, guildId, customId, fields }),
  };
}

function mention(
  rng: Rng,
  user: string,
  channelId: string,
  guildId: string,
  number: () => number,
  forbidden = false,
): Sent {
  const verb = forbidden
    ? rng.pick(["start", "progress", "submit", "fail", "release", "view"])
    : rng.pick([
        "next",
        "start",
        "progress",
        "submit",
        "fail",
        "release",
        "view",
        "help",
        "",
        "sudo",
        "NEXT",
      ]);
  const args =
    verb === "next"
      ? rng.pick(["", "bug", text(rng, 200)])
      : rng.pick([`${number()}`, `#${number()}`, "abc", `${number()} ${number()}`, ""]);
  const tail = ["progress", "submit", "fail"].includes(verb) ? ` ${text(rng, 1500) || "done"}` : "";
  const sent = bot.discord.sendMessage({
    channelId,
    guildId,
    authorId: user,
    content: `<@${ids.botId}> ${verb} ${args}${tail}`.slice(0, 2000),
  });
  return { kind: "mention", messageId: sent.id };
}

async function run(rng: Rng, count: number, next: (rng: Rng) => Sent | null): Promise<Sent[]> {
  const sent: Sent[] = [];
  const pending = new Set<Promise<unknown>>();
  while (sent.length < count) {
    const item = next(rng);
    if (!item) continue;
    sent.push(item);
    if (item.kind === "interaction") {
      const answered: Promise<unknown> = item.handle
        .callback({ timeoutMs: 15_000 })
        .then(() => trackCard(item.handle))
        .finally(() => pending.delete(answered));
      pending.add(answered);
      if (pending.size >= IN_FLIGHT) await Promise.race(pending);
    }
  }
  await Promise.all(pending);
  return sent;
}

async function trackCard(handle: InteractionHandle): Promise<void> {
  const record = handle.record;
  if (record.kind !== "slash" || !record.label.startsWith("/task create")) return;
  const reply = await handle.reply({ timeoutMs: 10_000 }).catch(() => undefined);
  const title = (reply?.embeds[0] as { title?: string } | undefined)?.title;
  const number = Number(/^#(\d+) ·/.exec(title ?? "")?.[1]);
  if (reply && !(reply.flags & 64) && number && ids.channels.includes(reply.channel_id))
    cards.push({ id: reply.id, number });
}

/** Rows the dispatcher updates on its own schedule (sent_at, attempts) are left out: new rows are not. */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const queries = {
    tasks: "SELECT to_jsonb(t) AS row FROM tasks t ORDER BY id",
    events: "SELECT to_jsonb(e) AS row FROM task_events e ORDER BY id",
    reviews: "SELECT to_jsonb(r) AS row FROM task_reviews r ORDER BY id",
    dependencies: "SELECT to_jsonb(d) AS row FROM task_dependencies d ORDER BY 1::text",
    outbox: "SELECT id, kind, payload, task_id FROM outbox ORDER BY id",
    settings: "SELECT to_jsonb(s) AS row FROM channel_settings s ORDER BY 1::text",
    agents: "SELECT to_jsonb(a) AS row FROM agents a ORDER BY 1::text",
  };
  const parts: Record<string, unknown[]> = {};
  for (const [name, query] of Object.entries(queries)) {
    const result = await bot.app.database.db.execute(sql.raw(query));
    parts[name] = (result as unknown as { rows: unknown[] }).rows;
  }
  return parts;
}

/** Rows added, removed or changed, table by table. */
function changes(before: Record<string, unknown[]>, after: Record<string, unknown[]>): string[] {
  const out: string[] = [];
  for (const table of Object.keys(before)) {
    const was = new Set(before[table]!.map((row) => JSON.stringify(row)));
    const now = new Set(after[table]!.map((row) => JSON.stringify(row)));
    for (const row of now) if (!was.has(row)) out.push(`${table} + ${row}`);
    for (const row of was) if (!now.has(row)) out.push(`${table} - ${row}`);
  }
  return out;
}

/** Every interaction handled to its end (the router logs one line per interaction once it is answered). */
async function idle(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (bot.logs.filter((line) => line.msg === "interaction").length < bot.discord.interactions().length) {
    if (Date.now() > deadline) throw new Error("interactions still in flight after 30 s");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function mentionsAnswered(sent: Sent[]): Promise<string[]> {
  const asked = new Set(sent.flatMap((item) => (item.kind === "mention" ? [item.messageId] : [])));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answered = new Set(
      allBotMessages().flatMap((message) => message.message_reference?.message_id ?? []),
    );
    const missing = [...asked].filter((id) => !answered.has(id));
    if (missing.length === 0 || Date.now() > deadline) return missing;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function allBotMessages(): ApiMessage[] {
  const channels = [
    ...HQ_CHANNELS.map((name) => bot.discord.channel(name, "HQ")),
    bot.discord.channel("general", "Elsewhere"),
  ];
  return channels.flatMap((channel) =>
    bot.discord.channelMessages(channel.id).filter((message) => message.author.id === ids.botId),
  );
}

beforeAll(async () => {
  // discord.js paces every REST call to Discord's 50/s global limit; the stand-in is local and this
  // test is about answers, not pacing, so the bot's client may go as fast as the machine does.
  bot.app.client.rest.options.globalRequestsPerSecond = 10_000;
  ids = {
    users: HQ_MEMBERS.map((name) => bot.discord.user(name).id),
    roles: [bot.discord.role("Reviewer", "HQ").id],
    channels: HQ_CHANNELS.map((name) => bot.discord.channel(name, "HQ").id),
    botId: bot.discord.botUser.id,
  };
  await slash(bot, { userId: "olivia", guildId: "HQ" }, "tasklane config", {
    "reviewer-role": "Reviewer",
  }).reply();
  await slash(bot, { userId: "olivia", guildId: "HQ" }, "tasklane agent add", { user: "robo" }).reply();
  for (let i = 0; i < 12; i += 1) {
    const card = await createTask(
      bot,
      { userId: i % 2 ? "alice" : "bob", channelId: HQ_CHANNELS[i % 2]!, guildId: "HQ" },
      { title: `Seed ${i} [x](https://e.example)`, ...(i % 3 === 0 ? { assignee: "robo" } : {}) },
    );
    cards.push({ id: card.id, number: i + 1 });
  }
  const elsewhere = await createTask(bot, { userId: "eve", guildId: "Elsewhere" }, { title: "Eve's own" });
  elsewhereCardId = elsewhere.id;
  maxTaskId = 13;
}, 60_000);

describe(`fuzz: ${TOTAL} generated interactions and mentions (seed ${SEED})`, () => {
  it("no internal error, no ping beyond an assignee, nothing over Discord's limits, and refusals change nothing", async () => {
    const rng = random(SEED);
    const mixedCount = Math.round(TOTAL * (1 - FORBIDDEN_SHARE));
    const started = performance.now();
    const mixed = await run(rng, mixedCount, anyAction);
    console.log(`fuzz: ${mixed.length} mixed in ${Math.round(performance.now() - started)} ms`);
    expect(await mentionsAnswered(mixed), "mentions without a reply").toEqual([]);

    await idle();
    const hq = await bot.app.database.db.execute(
      sql`SELECT id FROM tasks WHERE guild_id = ${bot.discord.guild("HQ").id}`,
    );
    hqTaskIds = (hq as unknown as { rows: { id: number }[] }).rows.map((row) => row.id);
    const before = await snapshot();
    const forbidden = await run(rng, TOTAL - mixedCount, forbiddenAction);
    expect(await mentionsAnswered(forbidden), "mentions without a reply").toEqual([]);
    await idle();
    expect(changes(before, await snapshot()), "the database after actions nobody was allowed").toEqual([]);
    expect(mixed.length + forbidden.length).toBe(TOTAL);

    // Zero internal errors: no apology with a reference, nothing logged as failed.
    const failures = bot.logs.filter(
      (line) =>
        line.level >= 50 ||
        ["could not reply to a mention", "could not tell the user about a failure"].includes(line.msg),
    );
    expect(
      failures.map(
        (line) =>
          `${line.msg} ${line.command ?? ""} ${String((line.err as { message?: string })?.message ?? "")}`,
      ),
    ).toEqual([]);

    // Nothing Discord would refuse: no 4xx on anything the bot sent.
    const refused = bot.discord.requests.entries.filter((request) => request.status === 400);
    expect(
      refused.map((request) => `${request.method} ${request.route} ${JSON.stringify(request.response)}`),
    ).toEqual([]);

    const messages = allBotMessages();
    for (const message of messages) {
      expect(message.content).not.toMatch(/something went wrong/);
      // User text stays text: outside the bot's own json block, no masked link, fence or mass ping renders.
      const embeds = message.embeds as {
        title?: string;
        description?: string;
        fields?: { value: string }[];
      }[];
      const texts = [
        message.content.replace(/```json\n[\s\S]*?\n```/, ""),
        ...embeds.flatMap((e) => [
          e.title ?? "",
          e.description ?? "",
          ...(e.fields ?? []).map((f) => f.value),
        ]),
      ];
      for (const shown of texts) {
        expect(shown, "a masked link").not.toMatch(/(?<!\\)\[[^\]\n]*(?<!\\)\]\(/);
        expect(shown, "a code fence").not.toContain("```");
        expect(shown, "a mass ping").not.toMatch(/@(everyone|here)/);
      }
      expect(message.content.length).toBeLessThanOrEqual(2000);
      expect(message.mention_everyone, message.content).toBe(false);
      expect(message.mention_roles, message.content).toEqual([]);
      const pinged = message.mentions.map((user) => user.id);
      if (pinged.length === 0) continue;
      // The messages that ping (an assignment, a rework, an answer, a reminder) ping one user, the task's
      // assignee, first in the message; for an agent its json block says whom.
      expect(pinged, message.content).toHaveLength(1);
      expect(message.content.startsWith(`<@${pinged[0]}> `), message.content).toBe(true);
      if (message.content.includes("```json")) {
        const payload = readJsonBlock(message.content) as {
          type?: string;
          assignee?: string;
          task?: { assignee?: string | null };
        };
        expect(["assignment", "rework", "answer", "reminder"], message.content).toContain(payload.type);
        expect(payload.task?.assignee ?? payload.assignee, message.content).toBe(pinged[0]);
      }
    }
    for (const request of bot.discord.requests.entries) {
      const body = request.body as
        | {
            allowed_mentions?: { parse?: string[]; roles?: string[] };
            data?: { allowed_mentions?: { parse?: string[] } };
          }
        | undefined;
      const allowed = body?.allowed_mentions ?? body?.data?.allowed_mentions;
      if (!allowed) continue;
      expect(allowed.parse ?? [], request.route ?? "").toEqual([]);
      expect((allowed as { roles?: string[] }).roles ?? [], request.route ?? "").toEqual([]);
    }
    // The run exercised both sides: plenty of changes went through, plenty were refused.
    const outcomes = new Map<string, number>();
    for (const line of bot.logs) {
      if (line.msg !== "interaction" && line.msg !== "mention") continue;
      const outcome = String(line.outcome).replace(/:.*/, "");
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    console.log(`fuzz outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}, ${cards.length} cards`);
    expect(outcomes.get("ok") ?? 0).toBeGreaterThan(TOTAL * 0.2);
    expect(outcomes.get("refused") ?? 0).toBeGreaterThan(TOTAL * 0.2);
    expect(outcomes.get("error") ?? 0).toBe(0);
  }, 600_000);
});
