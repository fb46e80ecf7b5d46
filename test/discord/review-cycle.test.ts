import { beforeAll, describe, expect, it } from "vitest";
import {
  buttonLabels,
  createTask,
  currentMessage,
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
beforeAll(async () => {
  const config = await slash(bot, { userId: "olivia" }, "tasklane config", {
    "reviewer-role": "Reviewer",
  }).reply();
  expect(embedOf(config).title).toBe("Settings updated");
});

describe("a task's review cycle, through the card's buttons", () => {
  it("create → Claim → Start → Submit → Request rework → Submit → Approve, the card edited at every step", async () => {
    const card = await createTask(
      bot,
      { userId: "alice" },
      { title: "Fix login redirect", priority: "high" },
    );
    expect(isEphemeral(card)).toBe(false);
    expect(embedOf(card).title).toBe("#1 · Fix login redirect");
    expect(fieldOf(card, "Status")).toBe("Open");
    expect(buttonLabels(card)).toEqual(["Claim"]);

    /** Clicks and answers the card once it shows `status` (the click's own update, healed by the outbox if raced). */
    const click = async (userId: string, label: string, status: string) => {
      const reply = await bot.discord.clickButton({ message: card.id, userId, label }).reply();
      expect(reply.id, `${label}: the card itself is updated`).toBe(card.id);
      return waitForCardStatus(bot, card.id, status);
    };

    await bot.discord.clickButton({ message: card.id, userId: "alice", label: "Claim" }).reply();
    const alice = `<@${bot.discord.user("alice").id}>`;
    const claimed = await waitForCard(bot, card.id, (message) => fieldOf(message, "Assignee") === alice);
    expect(buttonLabels(claimed)).toEqual(["Start"]);

    const started = await click("alice", "Start", "In progress");
    expect(buttonLabels(started)).toEqual(["Submit for review", "Submit with a note", "Release"]);

    const submitted = await click("alice", "Submit for review", "In review");
    expect(buttonLabels(submitted)).toEqual(["Approve", "Request rework"]);

    const form = await bot.discord
      .clickButton({ message: card.id, userId: "rita", label: "Request rework" })
      .modal();
    expect(form.title).toBe("Request rework on #1");
    const reworked = await bot.discord
      .submitModal({ userId: "rita", fields: { reason: "Needs a test for the redirect" } })
      .reply();
    expect(reworked.id).toBe(card.id);
    expect(fieldOf(reworked, "Status")).toBe("In progress (rework 1)");
    expect(buttonLabels(reworked)).toEqual(["Submit for review", "Submit with a note", "Release"]);

    await click("alice", "Submit for review", "In review");
    const approved = await click("rita", "Approve", "Done");
    expect(buttonLabels(approved)).toEqual(["Reopen"]);
    expect(embedOf(approved).footer?.text).toMatch(/^Created by Alice · last: approved by Rita/);

    // Every step was shown on the card, in order.
    const shown = [...bot.discord.storedMessage(card.id)!.versions, approved].map((m) =>
      fieldOf(m, "Status"),
    );
    const steps = [
      "Open",
      "In progress",
      "In review",
      "In progress (rework 1)",
      "In review (rework 1)",
      "Done (rework 1)",
    ];
    expect(inOrder(shown, steps), shown.join(" → ")).toBe(true);

    // Exactly one card in the channel, edited in place.
    const cards = bot.discord
      .channelMessages("general", "HQ")
      .filter((m) => embedOf(m)?.title?.startsWith("#1 "));
    expect(cards.map((m) => m.id)).toEqual([card.id]);

    const history = await slash(bot, { userId: "bob" }, "task history", { task: 1 }).reply();
    expect(isEphemeral(history)).toBe(true);
    const lines = embedOf(history).description!.split("\n").reverse();
    expect(lines.map((line) => line.split(" · ")[2])).toEqual([
      "**created** (Open)",
      "**claimed**",
      "**started** (Open → In progress)",
      "**submitted** (In progress → In review)",
      "**rework requested** (In review → In progress)",
      "**submitted** (In progress → In review)",
      "**approved** (In review → Done)",
    ]);
    expect(lines[4]).toContain("Needs a test for the redirect");
    expect(embedOf(history).footer?.text).toBe("7 events, newest first · page 1 of 1");
  });

  it("slash commands edit the same card (through the outbox)", async () => {
    const card = await createTask(bot, { userId: "bob" }, { title: "Write the changelog" });
    const number = Number(embedOf(card).title!.match(/^#(\d+)/)![1]);

    const claim = await slash(bot, { userId: "bob" }, "task claim", { task: number }).reply();
    expect(isEphemeral(claim)).toBe(true);
    expect(claim.content).toBe(`You claimed **#${number}** · Write the changelog.`);
    const start = await slash(bot, { userId: "bob" }, "task start", { task: number }).reply();
    expect(start.content).toBe(`**#${number}** · Write the changelog is now In progress.`);

    const edited = await waitForCardStatus(bot, card.id, "In progress");
    expect(buttonLabels(edited)).toEqual(["Submit for review", "Submit with a note", "Release"]);
    expect(fieldOf(currentMessage(bot, card.id), "Assignee")).toBe(`<@${bot.discord.user("bob").id}>`);
  });

  it("/task claim without a task takes the next one of the queue, and says it is started", async () => {
    const card = await createTask(
      bot,
      { userId: "bob" },
      { title: "Triage the inbox", priority: "critical" },
    );
    const number = Number(embedOf(card).title!.match(/^#(\d+)/)![1]);
    const claim = await slash(bot, { userId: "bob" }, "task claim").reply();
    expect(claim.content).toBe(
      `You took **#${number}** · Triage the inbox from the queue; it is now In progress.`,
    );
    await waitForCardStatus(bot, card.id, "In progress");
  });

  it("/task edit changes fields, assignee and dependencies, and the card follows", async () => {
    const card = await createTask(bot, { userId: "alice" }, { title: "Draft the plan" });
    const number = Number(embedOf(card).title!.match(/^#(\d+)/)![1]);
    const answer = await slash(bot, { userId: "alice" }, "task edit", {
      task: number,
      title: "Draft the Q3 plan",
      priority: "critical",
      labels: "planning",
      assignee: "bob",
      "depends-on": "1",
    }).reply();
    expect(isEphemeral(answer)).toBe(true);
    expect(answer.content).toBe(`Updated **#${number}**: title, priority, labels, assignee, depends-on.`);
    const edited = await waitForCard(
      bot,
      card.id,
      (message) => embedOf(message).title === `#${number} · Draft the Q3 plan`,
    );
    await waitForCard(
      bot,
      card.id,
      (message) => fieldOf(message, "Depends on") === "#1 Fix login redirect (Done)",
    );
    const now = currentMessage(bot, card.id);
    expect(fieldOf(now, "Priority")).toBe("Critical");
    expect(fieldOf(now, "Labels")).toBe("`planning`");
    expect(fieldOf(now, "Assignee")).toBe(`<@${bot.discord.user("bob").id}>`);
    expect(edited.id).toBe(card.id);
  });

  it("Mark done replaces Submit for review where review is not required", async () => {
    await slash(bot, { userId: "olivia", channelId: "backend" }, "tasklane config", {
      "require-review": false,
    }).reply();
    const card = await createTask(bot, { userId: "bob", channelId: "backend" }, { title: "Bump deps" });
    await bot.discord.clickButton({ message: card.id, userId: "bob", label: "Claim" }).reply();
    await waitForCard(bot, card.id, (message) => fieldOf(message, "Assignee") !== "Unassigned");
    await bot.discord.clickButton({ message: card.id, userId: "bob", label: "Start" }).reply();
    const started = await waitForCardStatus(bot, card.id, "In progress");
    expect(buttonLabels(started)).toEqual(["Mark done", "Mark done with a note", "Release"]);
    await bot.discord.clickButton({ message: card.id, userId: "bob", label: "Mark done" }).reply();
    const done = await waitForCardStatus(bot, card.id, "Done");
    expect(buttonLabels(done)).toEqual(["Reopen"]);
  });
});
