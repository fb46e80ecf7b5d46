import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeCustomId, parseCustomId } from "../../src/discord/custom-id.ts";
import { systemReader } from "../../src/services/actors.ts";
import { queryRows } from "../../src/store/raw.ts";
import { SHOWN_BY_CLICK } from "../../src/store/task-messages.ts";
import type { ApiMessage } from "../stand-in/index.ts";
import {
  buttonLabels,
  createTask,
  customIds,
  embedOf,
  fieldOf,
  inOrder,
  isEphemeral,
  slash,
  waitForCard,
  waitForCardStatus,
} from "./support/act.ts";
import { useBot } from "./support/boot-bot.ts";
import { TEAM_WORLD } from "./support/world.ts";

const bot = useBot({ world: TEAM_WORLD });
let hq: string;
beforeAll(async () => {
  hq = bot.discord.guild("HQ").id;
  await slash(bot, { userId: "olivia" }, "tasklane config", { "reviewer-role": "Reviewer" }).reply();
});

const cardIdOf = (customId: string) => {
  const id = parseCustomId(customId);
  if (id?.kind !== "card") throw new Error(`not a card button: ${customId}`);
  return id;
};
const numberOf = (card: ApiMessage) => Number(embedOf(card).title!.match(/^#(\d+)/)![1]);
const click = (card: ApiMessage, userId: string, label: string) =>
  bot.discord.clickButton({ message: card.id, userId, label });

/** A task of alice's, in review, its card showing Approve / Request rework. */
async function taskInReview(title: string): Promise<ApiMessage> {
  const card = await createTask(bot, { userId: "alice" }, { title });
  await click(card, "alice", "Claim").reply();
  await waitForCard(bot, card.id, (message) => fieldOf(message, "Assignee") !== "Unassigned");
  await click(card, "alice", "Start").reply();
  await waitForCardStatus(bot, card.id, "In progress");
  await click(card, "alice", "Submit for review").reply();
  const inReview = await waitForCardStatus(bot, card.id, "In review");
  expect(buttonLabels(inReview)).toEqual(["Approve", "Request rework"]);
  return inReview;
}

async function snapshot(guildId: string, number: number) {
  const task = await bot.app.services.tasks.get(systemReader(guildId), number);
  const history = await bot.app.services.tasks.history(systemReader(guildId), number);
  return { status: task.status, version: task.version, assigneeId: task.assigneeId, events: history.total };
}

describe("a click shows its own change", () => {
  it("an Approve click edits the card itself and settles the card's outbox row: the dispatcher re-reads and re-sends nothing", async () => {
    const card = await taskInReview("Settle the outbox");
    const task = await bot.app.services.tasks.get(systemReader(hq), numberOf(card));
    const since = bot.discord.requests.mark();
    await click(card, "rita", "Approve").reply();
    expect(fieldOf(bot.discord.message(card.id)!, "Status")).toBe("Done");
    await bot.app.outbox()!.drain();
    const [row] = await queryRows<{ state: string; last_error: string | null; message: string | null }>(
      bot.app.database.db,
      sql`SELECT state, last_error, discord_message_id AS message FROM outbox
        WHERE kind = 'card' AND task_id = ${task.id} AND (payload->>'version')::int = ${task.version + 1}`,
    );
    expect(row).toEqual({ state: "sent", last_error: SHOWN_BY_CLICK, message: card.id });
    const edits = bot.discord.requests.find(
      { method: "PATCH", route: "/channels/:channelId/messages/:messageId" },
      since,
    );
    expect(edits.filter((request) => request.path.endsWith(`/${card.id}`))).toEqual([]);
  });
});

describe("clicks are checked like commands", () => {
  it("a member without the reviewer role clicking Approve is refused and nothing changes", async () => {
    const card = await taskInReview("Rotate the keys");
    const before = await snapshot(hq, numberOf(card));
    const answer = await click(card, "mallory", "Approve").reply();
    expect(isEphemeral(answer)).toBe(true);
    expect(answer.content).toMatch(/reviewer/i);
    expect(await snapshot(hq, numberOf(card))).toEqual(before);
    const now = bot.discord.message(card.id)!;
    expect(fieldOf(now, "Status")).toBe("In review");
    expect(buttonLabels(now)).toEqual(["Approve", "Request rework"]);
    expect(customIds(now)).toEqual(customIds(card));
  });

  it("a member without the reviewer role clicking Request rework is refused before any form opens", async () => {
    const card = await taskInReview("Prune old logs");
    const before = await snapshot(hq, numberOf(card));
    const handle = click(card, "mallory", "Request rework");
    const callback = await handle.callback();
    expect(callback.type).not.toBe(9); // 9 = MODAL: no form is shown
    const answer = await handle.reply();
    expect(isEphemeral(answer)).toBe(true);
    expect(answer.content).toMatch(/reviewer/i);
    expect(await snapshot(hq, numberOf(card))).toEqual(before);
  });

  it("two reviewers clicking Approve at once: one decision, the other is told", async () => {
    const card = await taskInReview("Ship 2.0");
    const first = click(card, "rita", "Approve");
    const second = click(card, "ray", "Approve");
    await Promise.all([first.reply(), second.reply()]);

    const number = numberOf(card);
    const reviews = await bot.app.services.tasks.reviews(systemReader(hq), number);
    expect(reviews.filter((review) => review.verdict === "approved")).toHaveLength(1);
    const history = await bot.app.services.tasks.history(systemReader(hq), number);
    expect(history.items.filter((event) => event.kind === "approved")).toHaveLength(1);
    expect((await bot.app.services.tasks.get(systemReader(hq), number)).status).toBe("done");

    const winner = reviews[0]!.reviewerId === bot.discord.user("rita").id ? first : second;
    const loser = winner === first ? second : first;
    const notice = await loser.followUp(0);
    expect(isEphemeral(notice)).toBe(true);
    expect(notice.content).toMatch(/Done/);
    expect(winner.record.followUpIds).toEqual([]);
    expect(fieldOf(bot.discord.message(card.id)!, "Status")).toBe("Done");
  });

  it("a claimed card shows no Claim; a Claim at its current version (a raced or forged click) is refused in one ephemeral reply: the card is left as it is", async () => {
    const card = await createTask(bot, { userId: "alice" }, { title: "Claimed once" });
    expect(buttonLabels(card)).toEqual(["Claim"]);
    await click(card, "alice", "Claim").reply();
    const claimed = await waitForCard(
      bot,
      card.id,
      (message) => fieldOf(message, "Assignee") !== "Unassigned",
    );
    expect(buttonLabels(claimed)).toEqual(["Start"]);
    const current = parseCustomId(customIds(claimed)[0]!);
    if (current?.kind !== "card") throw new Error(`the card's button is not a card button: ${current?.kind}`);
    const before = await snapshot(hq, numberOf(card));
    const versionsBefore = bot.discord.storedMessage(card.id)!.versions.length;
    const second = bot.discord.clickButton({
      message: card.id,
      userId: "bob",
      customId: encodeCustomId({ ...current, action: "claim" }),
      unchecked: true,
    });
    const answer = await second.reply();
    expect((await second.callback()).type).toBe(4); // CHANNEL_MESSAGE_WITH_SOURCE: no update of the card
    expect(isEphemeral(answer)).toBe(true);
    expect(answer.content).toContain(`was already claimed by <@${bot.discord.user("alice").id}>`);
    expect(second.record.followUpIds).toEqual([]);
    expect(await snapshot(hq, numberOf(card))).toEqual(before);
    expect(bot.discord.storedMessage(card.id)!.versions.length).toBe(versionsBefore);
    expect(customIds(bot.discord.message(card.id)!)).toEqual(customIds(claimed));
  });

  it.each([
    ["current card", (customId: string) => customId, (n: number) => `#${n} was already claimed by <@`],
    [
      "card posted before buttons carried the number (t1)",
      (customId: string) => encodeCustomId({ ...cardIdOf(customId), number: null }),
      (n: number) => `**#${n}** changed since this card was shown (claimed by <@`,
    ],
  ])("a stale %s is refreshed and the user told what changed", async (_card, asShown, told) => {
    const card = await createTask(bot, { userId: "alice" }, { title: "Tidy the README" });
    const shown = customIds(card);
    await slash(bot, { userId: "bob" }, "task claim", { task: numberOf(card) }).reply();
    const stale = bot.discord.clickButton({
      message: card.id,
      userId: "alice",
      customId: asShown(shown[0]!),
      unchecked: true,
    });
    const refreshed = await stale.reply();
    expect(refreshed.id).toBe(card.id);
    expect(fieldOf(refreshed, "Assignee")).toBe(`<@${bot.discord.user("bob").id}>`);
    const notice = await stale.followUp(0);
    expect(isEphemeral(notice)).toBe(true);
    expect(notice.content).toContain(told(numberOf(card)));
    expect(notice.content).toContain(`<@${bot.discord.user("bob").id}>`);
    expect(notice.content).toContain("the card is up to date");
    // It names bob without pinging him (sent as plain HTTP on the interaction's webhook).
    expect(bot.discord.storedMessage(notice.id)?.allowedMentions).toEqual({ parse: [] });
    const task = await bot.app.services.tasks.get(systemReader(hq), numberOf(card));
    expect(task.assigneeId).toBe(bot.discord.user("bob").id);
  });
});

describe("custom_ids are input", () => {
  it("a button naming a task of another server is refused without touching either server's task or the clicked card", async () => {
    const elsewhere = bot.discord.guild("Elsewhere").id;
    const foreign = await createTask(
      bot,
      { guildId: "Elsewhere", channelId: "general", userId: "eve" },
      { title: "Theirs" },
    );
    const before = await snapshot(elsewhere, numberOf(foreign));
    const local = await createTask(bot, { userId: "mallory" }, { title: "Decoy" });
    const localBefore = await snapshot(hq, numberOf(local));
    const [claimTheirs] = customIds(foreign);
    const theirs = cardIdOf(claimTheirs!);
    const refusals: [string, string | RegExp][] = [
      // As their card shows it: HQ's task of that number (if any) is not the one it names.
      [
        claimTheirs!,
        /^(That button does not name a task of this server|There is no task #\d+ in this server)/,
      ],
      // Their task's id with the number of the card clicked, and a version theirs is not at: the
      // refusal must not refresh the clicked card (nor tell whether their task moved).
      [
        encodeCustomId({ ...theirs, number: numberOf(local), version: theirs.version + 2 }),
        "That button does not name a task of this server; nothing was changed.",
      ],
      // As a card posted before buttons carried the number: looked up by id, found in another server.
      [
        encodeCustomId({ ...theirs, number: null }),
        "That button or form belongs to a task of another server; nothing was changed.",
      ],
    ];
    for (const [customId, refusal] of refusals) {
      const answer = await bot.discord
        .clickButton({ message: local.id, userId: "mallory", customId, unchecked: true })
        .reply();
      expect(isEphemeral(answer)).toBe(true);
      if (typeof refusal === "string") expect(answer.content).toBe(refusal);
      else expect(answer.content).toMatch(refusal);
      expect(await snapshot(elsewhere, numberOf(foreign))).toEqual(before);
      expect(await snapshot(hq, numberOf(local))).toEqual(localBefore);
      expect(bot.discord.message(local.id)!.components).toEqual(local.components);
    }

    const reworkTheirs = `t1:rework-reason:${theirs.taskId}:${theirs.version}`;
    const form = await bot.discord
      .submitModal({
        userId: "mallory",
        customId: reworkTheirs,
        channelId: "general",
        guildId: "HQ",
        fields: { reason: "x" },
        unchecked: true,
      })
      .reply();
    expect(form.content).toBe(
      "That button or form belongs to a task of another server; nothing was changed.",
    );
    expect(await snapshot(elsewhere, numberOf(foreign))).toEqual(before);
  });

  it("a button whose number names another task of this server is refused, and neither task changes", async () => {
    const named = await createTask(bot, { userId: "alice" }, { title: "Named by id" });
    const other = await createTask(bot, { userId: "alice" }, { title: "Named by number" });
    const [before, otherBefore] = [await snapshot(hq, numberOf(named)), await snapshot(hq, numberOf(other))];
    const customId = encodeCustomId({ ...cardIdOf(customIds(named)[0]!), number: numberOf(other) });
    const answer = await bot.discord
      .clickButton({ message: named.id, userId: "bob", customId, unchecked: true })
      .reply();
    expect(isEphemeral(answer)).toBe(true);
    expect(answer.content).toBe("That button does not name a task of this server; nothing was changed.");
    expect(await snapshot(hq, numberOf(named))).toEqual(before);
    expect(await snapshot(hq, numberOf(other))).toEqual(otherBefore);
    expect(bot.discord.message(named.id)!.components).toEqual(named.components);
  });

  it("a card's buttons carry its number, so a click reads no card header; a card posted before that (t1) still acts", async () => {
    const cards = bot.app.services.cards;
    const header = cards.header;
    let headerReads = 0;
    cards.header = (taskId) => {
      headerReads += 1;
      return header(taskId);
    };
    try {
      const current = await createTask(bot, { userId: "alice" }, { title: "Carries its number" });
      expect(cardIdOf(customIds(current)[0]!).number).toBe(numberOf(current));
      const claimed = await click(current, "bob", "Claim").reply();
      expect(fieldOf(claimed, "Assignee")).toBe(`<@${bot.discord.user("bob").id}>`);
      expect(headerReads).toBe(0);

      const old = await createTask(bot, { userId: "alice" }, { title: "Posted before t2" });
      const t1 = encodeCustomId({ ...cardIdOf(customIds(old)[0]!), number: null });
      expect(t1.startsWith("t1:claim:")).toBe(true);
      const shown = await bot.discord
        .clickButton({ message: old.id, userId: "bob", customId: t1, unchecked: true })
        .reply();
      expect(shown.id).toBe(old.id);
      expect(fieldOf(shown, "Assignee")).toBe(`<@${bot.discord.user("bob").id}>`);
      expect(headerReads).toBe(1);
    } finally {
      cards.header = header;
    }
  });

  it.each([
    ["garbled", "not-a-tasklane-id"],
    ["forged action", "t1:delete:1:1"],
    ["non-numeric id", "t1:approve:one:1"],
    ["oversized number", "t1:approve:99999999999:1"],
    ["unknown task", "t1:approve:999999:1"],
    ["unknown task (t2)", "t2:approve:999999:999999:1"],
  ])("a %s custom_id is refused with a clear sentence", async (_what, customId) => {
    const card = await createTask(bot, { userId: "alice" }, { title: `Target of ${customId}` });
    const before = await snapshot(hq, numberOf(card));
    const answer = await bot.discord
      .clickButton({ message: card.id, userId: "alice", customId, unchecked: true })
      .reply();
    expect(isEphemeral(answer)).toBe(true);
    expect(answer.content).toMatch(
      /not one Tasklane recognises|no longer exists|^There is no task #999999 in this server\.$/,
    );
    expect(await snapshot(hq, numberOf(card))).toEqual(before);
  });
});

describe("card edits that race", () => {
  it("an older edit landing after a newer click never leaves the card stale", async () => {
    const card = await createTask(bot, { userId: "alice" }, { title: "Race the card" });
    const [claimId] = customIds(card);
    const taskId = Number(claimId!.split(":")[2]);
    // The outbox's edit for the claim (version 2) will take 800 ms to land.
    const slowEdit = bot.discord.injectFault({
      method: "PATCH",
      route: "/channels/:channelId/messages/:messageId",
      where: (request) => request.path.endsWith(`/${card.id}`),
      delayMs: 800,
      times: 1,
    });
    await slash(bot, { userId: "alice" }, "task claim", { task: numberOf(card) }).reply();
    while (slowEdit.hits === 0) await new Promise((resolve) => setTimeout(resolve, 10));

    // Meanwhile alice starts it from the card (version 2 → 3); her update lands first.
    const started = bot.discord.clickButton({
      message: card.id,
      userId: "alice",
      customId: `t1:start:${taskId}:2`,
      unchecked: true,
    });
    await started.reply();
    // Then the old edit lands ("Open"), is noticed, and the card is rendered again at the newest version.
    await new Promise((resolve) => setTimeout(resolve, 900));
    const healed = await waitForCardStatus(bot, card.id, "In progress");
    expect(buttonLabels(healed)).toEqual(["Submit for review", "Submit with a note", "Release"]);
    const statuses = [...bot.discord.storedMessage(card.id)!.versions, healed].map((m) =>
      fieldOf(m, "Status"),
    );
    // The race really happened: newer, then the late older one, then newer again.
    expect(inOrder(statuses, ["In progress", "Open", "In progress"]), statuses.join(" → ")).toBe(true);
    expect(statuses.at(-1)).toBe("In progress");
  });
});
