import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { ActionContext } from "../../src/services/contracts.ts";
import { DRIVERS, type Harness, useHarness } from "./support/harness.ts";
import { newScene, user } from "./support/scene.ts";

/**
 * `next` and a simple submit are one statement each, on their own (store/queue.ts claimNextAlone,
 * store/submit-alone.ts); the locking transactions they fall back to write the same rows. Timestamps are
 * compared by what they are: the change's own time, that time plus whole minutes (a lease), or earlier.
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
    // A row written before the change (the create's card) is due relative to its own write, not the change.
    outbox: outbox.map((raw): Record<string, unknown> => {
      const { next_attempt_at, due_after_written_ms, ...row } = shape(raw);
      return row.created_at === "earlier" ? { ...row, due_after_written_ms } : { ...row, next_attempt_at };
    }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
});
