import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { ActionContext } from "../../src/services/contracts.ts";
import { transitionTaskAlone } from "../../src/store/transition-alone.ts";
import { DRIVERS, type Harness, useHarness } from "./support/harness.ts";
import { newScene, user } from "./support/scene.ts";

/**
 * `next`, a simple submit, a person's claim or start and an approve are one statement each, on their own
 * (store/queue.ts claimNextAlone, store/submit-alone.ts, store/transition-alone.ts); the locking
 * transactions they fall back to write the same rows. Timestamps are compared by what they are: the
 * change's own time, that time plus whole minutes (a lease), or earlier.
 */
async function rowsOf(h: Harness, taskId: number) {
  const [task] = await h.rows<Record<string, unknown>>(sql`SELECT status, assignee_id, version, attempts,
    started_at, submitted_at, completed_at, lease_expires_at, next_attempt_at, metadata, updated_at
    FROM tasks WHERE id = ${taskId}`);
  const events = await h.rows<Record<string, unknown>>(sql`SELECT actor_id, kind, from_status, to_status,
    details, source, created_at FROM task_events WHERE task_id = ${taskId} ORDER BY id`);
  const attempts = await h.rows<Record<string, unknown>>(sql`SELECT attempt, assignee_id, started_at,
    ended_at, outcome, summary, result, error, questions FROM task_attempts WHERE task_id = ${taskId} ORDER BY attempt`);
  const outbox = await h.rows<Record<string, unknown>>(sql`SELECT kind, payload - 'taskId' AS payload,
    coalesce_key IS NOT NULL AS coalesced, length(nonce) AS nonce_length, state, next_attempt_at, created_at,
    round(extract(epoch FROM next_attempt_at - created_at) * 1000)::int AS due_after_written_ms
    FROM outbox WHERE task_id = ${taskId} ORDER BY id`);
  const reviews = await h.rows<Record<string, unknown>>(sql`SELECT reviewer_id, verdict, comment, created_at
    FROM task_reviews WHERE task_id = ${taskId} ORDER BY id`);
  const changedAt = new Date(String(events.at(-1)!.created_at)).getTime();
  const shape = (row: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => {
        if (!/_at$/.test(key) || value === null) return [key, value];
        const ms =
          new Date(
            String(value)
              .replace(" ", "T")
              .replace(/([+-]\d{2})$/, "$1:00"),
          ).getTime() - changedAt;
        if (ms === 0) return [key, "now"];
        if (ms > 0 && ms % 60_000 === 0) return [key, `now + ${ms / 60_000} min`];
        return [key, ms < 0 ? "earlier" : `now + ${ms} ms`];
      }),
    );
  return {
    task: shape(task!),
    events: events.map(shape),
    attempts: attempts.map(shape),
    reviews: reviews.map(shape),
    // A row written before the change (the create's card) is due relative to its own write, not the change.
    outbox: outbox.map((raw): Record<string, unknown> => {
      const { next_attempt_at, due_after_written_ms, ...row } = shape(raw);
      return row.created_at === "earlier" ? { ...row, due_after_written_ms } : { ...row, next_attempt_at };
    }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A change that is the read it is decided on and one statement: both counted, its view a fresh get's. */
async function changedInOneStatement(
  h: Harness,
  ctx: ActionContext,
  input: Parameters<Harness["tasks"]["transition"]>[1],
) {
  const before = h.database.queryCount();
  const { task } = await h.tasks.transition(ctx, input);
  expect(h.database.queryCount() - before).toBe(2);
  expect(task).toEqual(await h.tasks.get(ctx, input.number));
  return task;
}

describe.each(DRIVERS)("next and submit in one statement (%s)", (driver) => {
  const h = useHarness(driver);

  it("next: one statement writes the claim, claimed + started events, one open attempt, the card row and the lease; its view reads as a fresh get", async () => {
    const s = await newScene(h, { leaseMinutes: 7, requireReview: false });
    const bot = { ...user(), isBot: true };
    await h.agents.add(s.ctx(s.admin), { userId: bot.userId, labels: "api", maxConcurrent: 3 });
    await h.tasks.create(s.ctx(s.creator), { title: "Needs ui", labels: "ui", priority: "critical" });
    await h.tasks.create(s.ctx(s.creator), { title: "Api work", labels: "api" });
    const ctx = s.ctx(bot, "mention");
    const before = h.database.queryCount();
    const claimed = await h.tasks.next(ctx);
    expect(h.database.queryCount() - before).toBe(1);
    expect(claimed).toMatchObject({ number: 2, status: "in_progress", assigneeId: bot.userId, version: 2 });
    expect(claimed).toEqual(await h.tasks.get(ctx, 2));
    const rows = await rowsOf(h, claimed!.id);
    expect(rows.task).toMatchObject({
      status: "in_progress",
      assignee_id: bot.userId,
      started_at: "now",
      lease_expires_at: "now + 7 min",
      next_attempt_at: null,
      updated_at: "now",
    });
    expect(rows.events.slice(1)).toEqual([
      {
        actor_id: bot.userId,
        kind: "claimed",
        from_status: "open",
        to_status: "open",
        details: { assigneeId: bot.userId, via: "next" },
        source: "mention",
        created_at: "now",
      },
      {
        actor_id: bot.userId,
        kind: "started",
        from_status: "open",
        to_status: "in_progress",
        details: { attempt: 1, via: "next" },
        source: "mention",
        created_at: "now",
      },
    ]);
    expect(rows.attempts).toEqual([
      {
        attempt: 1,
        assignee_id: bot.userId,
        started_at: "now",
        ended_at: null,
        outcome: null,
        summary: null,
        result: null,
        error: null,
        questions: [],
      },
    ]);
    expect(rows.outbox.at(-1)).toEqual({
      kind: "card",
      payload: { version: 2 },
      coalesced: true,
      nonce_length: 16,
      state: "pending",
      next_attempt_at: "now",
      created_at: "now",
    });
  });

  it("submit (review not required): read + one statement; done, attempt closed, event, card and creator rows; its view reads as a fresh get", async () => {
    const s = await newScene(h, { requireReview: false });
    const bot = user();
    await h.agents.add(s.ctx(s.admin), { userId: bot.userId });
    await h.tasks.create(s.ctx(s.creator), { title: "Finish me" });
    const ctx = s.ctx(bot, "mention");
    const claimed = (await h.tasks.next(ctx))!;
    const before = h.database.queryCount();
    const { task: done } = await h.tasks.transition(ctx, {
      number: claimed.number,
      action: "submit",
      text: "Did it",
    });
    expect(h.database.queryCount() - before).toBe(2);
    expect(done).toMatchObject({ status: "done", version: 3, leaseExpiresAt: null, submission: null });
    expect(done).toEqual(await h.tasks.get(ctx, claimed.number));
    const rows = await rowsOf(h, claimed.id);
    expect(rows.events.at(-1)).toEqual({
      actor_id: bot.userId,
      kind: "submitted",
      from_status: "in_progress",
      to_status: "done",
      details: { note: "Did it", reviewSkipped: true },
      source: "mention",
      created_at: "now",
    });
    expect(rows.attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        ended_at: "now",
        outcome: "submitted",
        summary: "Did it",
        error: null,
      }),
    ]);
    expect(rows.outbox.slice(-2).map((row) => [row.kind, row.payload])).toEqual([
      ["card", { version: 3 }],
      ["creator_notice", { outcome: "done", actorId: bot.userId }],
    ]);
  });

  it("submit into review: the view shows the submission as a fresh get does, and reviewers get their row", async () => {
    const s = await newScene(h);
    await h.tasks.create(s.ctx(s.creator), { title: "Review me" });
    const ctx = s.ctx(s.member);
    const claimed = (await h.tasks.next(ctx))!;
    const { task: submitted } = await h.tasks.transition(ctx, {
      number: claimed.number,
      action: "submit",
      evidence: { summary: "All green", tests: { passed: 3, failed: 0 } },
    });
    expect(submitted).toMatchObject({
      status: "in_review",
      submission: { attempt: 1, summary: "All green" },
    });
    expect(submitted).toEqual(await h.tasks.get(ctx, claimed.number));
    const rows = await rowsOf(h, claimed.id);
    expect(rows.outbox.slice(-2).map((row) => [row.kind, row.payload])).toEqual([
      ["card", { version: 3 }],
      ["review_request", { attempt: 1 }],
    ]);
  });

  it("claim and start by a person, clicked: the read + one statement each; the rows they write; each view reads as a fresh get", async () => {
    const s = await newScene(h);
    await h.tasks.create(s.ctx(s.creator), { title: "Pick me" });
    const ctx = s.ctx(s.member, "button");
    const claimed = await changedInOneStatement(h, ctx, { number: 1, action: "claim", expectedVersion: 1 });
    expect(claimed).toMatchObject({ status: "open", assigneeId: s.member.userId, version: 2 });
    const claimRows = await rowsOf(h, claimed.id);
    expect(claimRows.events.at(-1)).toEqual({
      actor_id: s.member.userId,
      kind: "claimed",
      from_status: "open",
      to_status: "open",
      details: { assigneeId: s.member.userId },
      source: "button",
      created_at: "now",
    });
    // The click shows its own card: the card's row waits out the click's grace.
    expect(claimRows.outbox.at(-1)).toEqual({
      kind: "card",
      payload: { version: 2 },
      coalesced: true,
      nonce_length: 16,
      state: "pending",
      next_attempt_at: "now + 5000 ms",
      created_at: "now",
    });
    expect(claimRows.attempts).toEqual([]);
    await sleep(5);
    const started = await changedInOneStatement(h, ctx, { number: 1, action: "start", expectedVersion: 2 });
    expect(started).toMatchObject({ status: "in_progress", assigneeId: s.member.userId, version: 3 });
    const rows = await rowsOf(h, claimed.id);
    expect(rows.task).toMatchObject({
      status: "in_progress",
      assignee_id: s.member.userId,
      started_at: "now",
      lease_expires_at: null,
      next_attempt_at: null,
      updated_at: "now",
    });
    expect(rows.events.at(-1)).toEqual({
      actor_id: s.member.userId,
      kind: "started",
      from_status: "open",
      to_status: "in_progress",
      details: { attempt: 1 },
      source: "button",
      created_at: "now",
    });
    expect(rows.attempts).toEqual([
      {
        attempt: 1,
        assignee_id: s.member.userId,
        started_at: "now",
        ended_at: null,
        outcome: null,
        summary: null,
        result: null,
        error: null,
        questions: [],
      },
    ]);
    expect(rows.outbox.at(-1)).toMatchObject({ kind: "card", payload: { version: 3 }, created_at: "now" });
  });

  it("approve, clicked: the read + one statement; done, the event, the review, the card and creator rows; its view reads as a fresh get", async () => {
    const s = await newScene(h);
    await h.tasks.create(s.ctx(s.creator), { title: "Approve me" });
    const worker = s.ctx(s.member);
    await h.tasks.transition(worker, { number: 1, action: "claim" });
    await h.tasks.transition(worker, { number: 1, action: "start" });
    const { task: submitted } = await h.tasks.transition(worker, { number: 1, action: "submit" });
    const ctx = s.ctx(s.reviewer, "button");
    const approved = await changedInOneStatement(h, ctx, {
      number: 1,
      action: "approve",
      expectedVersion: submitted.version,
      text: "Looks good",
    });
    expect(approved).toMatchObject({ status: "done", version: submitted.version + 1 });
    const rows = await rowsOf(h, approved.id);
    expect(rows.task).toMatchObject({ status: "done", completed_at: "now", updated_at: "now" });
    expect(rows.events.at(-1)).toEqual({
      actor_id: s.reviewer.userId,
      kind: "approved",
      from_status: "in_review",
      to_status: "done",
      details: { comment: "Looks good" },
      source: "button",
      created_at: "now",
    });
    expect(rows.reviews).toEqual([
      { reviewer_id: s.reviewer.userId, verdict: "approved", comment: "Looks good", created_at: "now" },
    ]);
    expect(rows.outbox.slice(-2).map((row) => [row.kind, row.payload, row.next_attempt_at])).toEqual([
      ["card", { version: approved.version }, "now + 5000 ms"],
      ["creator_notice", { outcome: "done", actorId: s.reviewer.userId }, "now"],
    ]);
  });

  it("approve of a task with a blocked dependent is the locking path: the dependent is unblocked", async () => {
    const s = await newScene(h, { requireReview: true });
    await h.tasks.create(s.ctx(s.creator), { title: "First" });
    await h.tasks.create(s.ctx(s.creator), { title: "After", dependsOn: "1" });
    const worker = s.ctx(s.member);
    await h.tasks.transition(worker, { number: 1, action: "claim" });
    await h.tasks.transition(worker, { number: 1, action: "start" });
    await h.tasks.transition(worker, { number: 1, action: "submit" });
    expect((await h.tasks.get(worker, 2)).status).toBe("blocked");
    const before = h.database.queryCount();
    await h.tasks.transition(s.ctx(s.reviewer), { number: 1, action: "approve" });
    expect(h.database.queryCount() - before).toBeGreaterThan(2);
    expect((await h.tasks.get(worker, 2)).status).toBe("open");
  });

  it("the approve statement writes nothing while the task has a live subtask (a subtask made live after the read)", async () => {
    const s = await newScene(h);
    await h.tasks.create(s.ctx(s.creator), { title: "Parent" });
    const worker = s.ctx(s.member);
    for (const action of ["claim", "start", "submit"] as const)
      await h.tasks.transition(worker, { number: 1, action });
    await h.tasks.create(s.ctx(s.creator), { title: "Late subtask", parentNumber: 1 });
    const parent = await h.tasks.get(worker, 1);
    const approve = (): Promise<unknown> =>
      transitionTaskAlone(h.database, {
        action: "approve",
        taskId: parent.id,
        version: parent.version,
        from: "in_review",
        kind: "approved",
        actorId: s.reviewer.userId,
        source: "button",
        now: new Date(),
        details: {},
        cardDueAt: new Date(),
        comment: null,
        creatorNotice: false,
        shownOn: null,
      });
    expect(await approve()).toBeUndefined();
    expect((await h.tasks.get(worker, 1)).status).toBe("in_review");
    await h.tasks.transition(s.ctx(s.creator), { number: 2, action: "cancel" });
    expect(await approve()).toMatchObject({ task: { status: "done" } });
  });

  it("an agent's start is the locking path: its lease is set and its capacity holds", async () => {
    const s = await newScene(h, { leaseMinutes: 4 });
    const bot = user();
    await h.agents.add(s.ctx(s.admin), { userId: bot.userId, maxConcurrent: 1 });
    await h.tasks.create(s.ctx(s.creator), { title: "First" });
    await h.tasks.create(s.ctx(s.creator), { title: "Second" });
    const ctx = s.ctx(bot, "mention");
    for (const number of [1, 2]) await h.tasks.transition(ctx, { number, action: "claim" });
    const before = h.database.queryCount();
    const { task: started } = await h.tasks.transition(ctx, { number: 1, action: "start" });
    expect(h.database.queryCount() - before).toBeGreaterThan(2);
    expect((await rowsOf(h, started.id)).task).toMatchObject({
      status: "in_progress",
      lease_expires_at: "now + 4 min",
    });
    await expect(h.tasks.transition(ctx, { number: 2, action: "start" })).rejects.toMatchObject({
      name: "AgentAtCapacityError",
    });
    expect((await h.tasks.get(ctx, 2)).status).toBe("open");
  });

  it("8 distinct agents (cap 2) each sending next 3 times at once over 30 tasks: every agent holds exactly 2, no task twice", async () => {
    const s = await newScene(h);
    const bots = Array.from({ length: 8 }, () => user());
    for (const bot of bots) await h.agents.add(s.ctx(s.admin), { userId: bot.userId, maxConcurrent: 2 });
    for (let i = 0; i < 30; i += 1) await h.tasks.create(s.ctx(s.creator), { title: `Task ${i}` });
    const outcomes = await Promise.allSettled(
      bots.flatMap((bot) => [1, 2, 3].map(() => h.tasks.next(s.ctx(bot, "mention")))),
    );
    const claimed = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value!] : []));
    const refused = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
    expect(claimed).toHaveLength(16);
    expect(new Set(claimed.map((task) => task.number)).size).toBe(16);
    expect(refused).toHaveLength(8);
    for (const error of refused) expect(error).toMatchObject({ name: "AgentAtCapacityError" });
    const held = await h.rows<{ assignee_id: string; n: number }>(sql`SELECT assignee_id, count(*)::int AS n
      FROM tasks WHERE guild_id = ${s.guildId} AND status = 'in_progress' GROUP BY assignee_id`);
    expect(held.map((row) => Number(row.n))).toEqual(Array(8).fill(2));
    const [events] = await h.rows<{ started: number; attempts: number }>(sql`SELECT
      (SELECT count(*)::int FROM task_events WHERE guild_id = ${s.guildId} AND kind = 'started') AS started,
      (SELECT count(*)::int FROM task_attempts a JOIN tasks t ON t.id = a.task_id WHERE t.guild_id = ${s.guildId}) AS attempts`);
    expect(events).toEqual({ started: 16, attempts: 16 });
  });
});

/** Postgres only: the fallback needs another session holding a row meanwhile. */
describe("the locking paths they fall back to (postgres)", () => {
  const h = useHarness("postgres");

  it("the agent's other claim at the same moment, a held row: the same rows as the one-statement paths", async () => {
    const s = await newScene(h, { leaseMinutes: 9, requireReview: false });
    const bot = user();
    await h.agents.add(s.ctx(s.admin), { userId: bot.userId, maxConcurrent: 5 });
    await h.tasks.create(s.ctx(s.creator), { title: "Same work" });
    await h.tasks.create(s.ctx(s.creator), { title: "Same work" });
    const ctx: ActionContext = s.ctx(bot, "mention");
    const fast = (await h.tasks.next(ctx))!;
    // Another claim by the same agent holds its row and moves claim_seq on: next takes the locking path.
    let claiming!: Promise<unknown>;
    let before = h.database.queryCount();
    await h.database.db.transaction(async (tx) => {
      await tx.execute(
        sql`UPDATE agents SET claim_seq = claim_seq + 1 WHERE guild_id = ${s.guildId} AND user_id = ${bot.userId}`,
      );
      claiming = h.tasks.next(ctx);
      await sleep(200);
    });
    const locking = (await claiming) as { number: number; id: number };
    // The holder's 3, the one statement that found the agent contended, then the locking transaction.
    expect(h.database.queryCount() - before).toBeGreaterThan(6);
    expect(locking.number).not.toBe(fast.number);
    expect(await rowsOf(h, locking.id)).toEqual(await rowsOf(h, fast.id));

    before = h.database.queryCount();
    await h.tasks.transition(ctx, { number: fast.number, action: "submit", text: "Done" });
    expect(h.database.queryCount() - before).toBe(2);
    // A holder of the row (what adding a subtask does): the submit is decided by the transaction path.
    let submitting!: Promise<unknown>;
    before = h.database.queryCount();
    await h.database.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT id FROM tasks WHERE id = ${locking.id} FOR SHARE`);
      submitting = h.tasks.transition(ctx, { number: locking.number, action: "submit", text: "Done" });
      await sleep(200);
    });
    await submitting;
    expect(h.database.queryCount() - before).toBeGreaterThan(7);
    expect(await rowsOf(h, locking.id)).toEqual(await rowsOf(h, fast.id));
  });

  it("a held row: a person's claim, start and submit and an approve take the locking path and write the same rows as on their own", async () => {
    const s = await newScene(h);
    await h.tasks.create(s.ctx(s.creator), { title: "Same work" });
    await h.tasks.create(s.ctx(s.creator), { title: "Same work" });
    const ctx = s.ctx(s.member, "button");
    const reviewer = s.ctx(s.reviewer, "button");
    const alone = (await h.tasks.transition(ctx, { number: 1, action: "claim" })).task;
    for (const action of ["start", "submit", "approve"] as const) {
      await sleep(5);
      await h.tasks.transition(action === "approve" ? reviewer : ctx, { number: 1, action });
    }
    const other = await h.tasks.get(ctx, 2);
    for (const action of ["claim", "start", "submit", "approve"] as const) {
      // A holder of the row (what adding a subtask does): the change waits for it in a transaction.
      let changing!: Promise<unknown>;
      const before = h.database.queryCount();
      await h.database.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT id FROM tasks WHERE id = ${other.id} FOR SHARE`);
        changing = h.tasks.transition(action === "approve" ? reviewer : ctx, { number: 2, action });
        await sleep(200);
      });
      await changing;
      expect(h.database.queryCount() - before).toBeGreaterThan(5);
    }
    expect(await rowsOf(h, other.id)).toEqual(await rowsOf(h, alone.id));
  });
});
