import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { TaskView } from "../../src/domain/task-view.ts";
import { createCardService } from "../../src/services/cards/index.ts";
import type { ActionContext, TransitionInput } from "../../src/services/contracts.ts";
import { SHOWN_BY_CLICK } from "../../src/store/task-messages.ts";
import { DRIVERS, useHarness } from "./support/harness.ts";
import { newScene, snowflake, user } from "./support/scene.ts";

/**
 * A click's card mark (the card records the version the click is about to show, and the card's outbox
 * rows are settled) is written by the change's own statement when the change is written alone
 * (store/click-mark.ts): the rows are those of the change followed by the click's own mark
 * (markCardRendered), and the click's update needs no statement before it.
 */
describe.each(DRIVERS)("a click's card mark in the change's statement (%s)", (driver) => {
  const h = useHarness(driver);
  const cards = () => createCardService({ database: h.database });

  /** A task whose card is posted as `messageId`, at the task's version. */
  async function posted(ctx: ActionContext, title: string) {
    const task = await h.tasks.create(ctx, { title });
    const messageId = snowflake();
    await cards().claimPosting(task.id, ctx.channelId);
    await cards().recordMessage({ taskId: task.id, channelId: ctx.channelId, messageId, renderedVersion: 1 });
    return { task, messageId };
  }

  /** The card row and the outbox card rows, with the card's own message id written as "the card". */
  async function cardRows(taskId: number, messageId: string) {
    const card = await cards().find(taskId);
    const outbox = await h.rows<Record<string, unknown>>(sql`SELECT state, last_error,
        discord_message_id, payload->'version' AS version, sent_at IS NOT NULL AS sent
      FROM outbox WHERE task_id = ${taskId} AND kind = 'card' ORDER BY id`);
    const named = (value: unknown) => (value === messageId ? "the card" : value);
    return {
      renderedVersion: card?.renderedVersion,
      outbox: outbox.map(
        (row): Record<string, unknown> => ({ ...row, discord_message_id: named(row.discord_message_id) }),
      ),
    };
  }

  it("claim, start, submit and approve clicked on the live card: one statement each records its version and settles its rows, as the change and then the click's own mark would", async () => {
    const s = await newScene(h);
    const clicked = await posted(s.ctx(s.creator), "Marked by its change");
    const twin = await posted(s.ctx(s.creator), "Marked after its change");
    const steps: [TransitionInput["action"], ActionContext][] = [
      ["claim", s.ctx(s.member, "button")],
      ["start", s.ctx(s.member, "button")],
      ["submit", s.ctx(s.member, "button")],
      ["approve", s.ctx(s.reviewer, "button")],
    ];
    let shown: TaskView = clicked.task;
    let twinShown: TaskView = twin.task;
    for (const [action, ctx] of steps) {
      const before = h.database.queryCount();
      const result = await h.tasks.transition(ctx, {
        number: shown.number,
        action,
        expectedVersion: shown.version,
        shownOn: clicked.messageId,
      });
      // The read it is decided on, and the one statement: no mark before the click's update.
      expect(h.database.queryCount() - before).toBe(2);
      expect(result.clickMark).toEqual({ outcome: "marked", previousVersion: shown.version });
      shown = result.task;

      const { task } = await h.tasks.transition(ctx, {
        number: twinShown.number,
        action,
        expectedVersion: twinShown.version,
      });
      expect(await cards().markRendered(task.id, twin.messageId, task.version)).toEqual(result.clickMark);
      twinShown = task;

      const rows = await cardRows(shown.id, clicked.messageId);
      expect(rows).toEqual(await cardRows(twinShown.id, twin.messageId));
      expect(rows.renderedVersion).toBe(shown.version);
      expect(rows.outbox.at(-1)).toEqual({
        state: "sent",
        last_error: SHOWN_BY_CLICK,
        discord_message_id: "the card",
        version: shown.version,
        sent: true,
      });
    }
    expect(shown.status).toBe("done");
  });

  it("a click on another message (a copy of the card) records nothing, as the click's own mark would not", async () => {
    const s = await newScene(h);
    const { task } = await posted(s.ctx(s.creator), "Shown elsewhere");
    const copy = snowflake();
    const result = await h.tasks.transition(s.ctx(s.member, "button"), {
      number: task.number,
      action: "claim",
      expectedVersion: task.version,
      shownOn: copy,
    });
    expect(result.clickMark).toEqual({ outcome: "not_live", previousVersion: 1 });
    const rows = await cardRows(task.id, copy);
    expect(rows.renderedVersion).toBe(1);
    expect(rows.outbox.at(-1)).toMatchObject({ state: "pending", discord_message_id: null, sent: false });
    expect(await cards().markRendered(task.id, copy, result.task.version)).toEqual(result.clickMark);
  });

  it("a change that is no click marks nothing and says nothing of a mark", async () => {
    const s = await newScene(h);
    const { task, messageId } = await posted(s.ctx(s.creator), "Claimed by command");
    const result = await h.tasks.transition(s.ctx(s.member), { number: task.number, action: "claim" });
    expect(result.clickMark).toBeUndefined();
    const rows = await cardRows(task.id, messageId);
    expect(rows.renderedVersion).toBe(1);
    expect(rows.outbox.at(-1)).toMatchObject({ state: "pending", discord_message_id: null, sent: false });
    expect(rows.outbox.map((row) => row.last_error)).not.toContain(SHOWN_BY_CLICK);
  });

  it("10 clicked submits at once share statements, and each marks its own card only", async () => {
    const s = await newScene(h, { requireReview: false });
    const members = Array.from({ length: 10 }, () => user());
    const started: { task: TaskView; messageId: string }[] = [];
    for (const [index, member] of members.entries()) {
      const { task, messageId } = await posted(s.ctx(s.creator), `Submitted ${index}`);
      await h.tasks.transition(s.ctx(member), { number: task.number, action: "claim" });
      const { task: inProgress } = await h.tasks.transition(s.ctx(member), {
        number: task.number,
        action: "start",
      });
      started.push({ task: inProgress, messageId });
    }
    const before = h.database.queryCount();
    const results = await Promise.all(
      members.map((member, index) =>
        h.tasks.transition(s.ctx(member, "button"), {
          number: started[index]!.task.number,
          action: "submit",
          expectedVersion: started[index]!.task.version,
          shownOn: started[index]!.messageId,
        }),
      ),
    );
    // One read each, and fewer writes than submits.
    expect(h.database.queryCount() - before).toBeLessThan(20);
    for (const [index, result] of results.entries()) {
      const { task, messageId } = started[index]!;
      expect(result.task).toMatchObject({ number: task.number, status: "done" });
      expect(result.clickMark).toEqual({ outcome: "marked", previousVersion: 1 });
      const rows = await cardRows(task.id, messageId);
      expect(rows.renderedVersion).toBe(result.task.version);
      expect(rows.outbox.map((row) => [row.state, row.discord_message_id])).toEqual([
        ["sent", "the card"],
        ["sent", "the card"],
        ["sent", "the card"],
        ["sent", "the card"],
      ]);
    }
  });
});
