import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { TaskView } from "../../src/domain/task-view.ts";
import { DRIVERS, type Harness, useHarness } from "./support/harness.ts";
import { newScene, user } from "./support/scene.ts";

/**
 * Concurrent `next` calls of one channel share one statement (store/queue.ts claimNextCombined):
 * each caller still gets its own task, in queue order, with its own events, attempt and card row,
 * its cap and labels respected, and a task assigned to a caller goes to that caller.
 */
async function rowsPerTask(h: Harness, guildId: string) {
  return h.rows<{
    number: number;
    assignee_id: string;
    leased: boolean;
    claimed: string[];
    started: string[];
    open_attempts: string[];
    cards: number;
  }>(sql`SELECT t.number, t.assignee_id, t.lease_expires_at IS NOT NULL AS leased,
      (SELECT coalesce(array_agg(e.actor_id ORDER BY e.id), '{}') FROM task_events e
        WHERE e.task_id = t.id AND e.kind = 'claimed') AS claimed,
      (SELECT coalesce(array_agg(e.actor_id ORDER BY e.id), '{}') FROM task_events e
        WHERE e.task_id = t.id AND e.kind = 'started') AS started,
      (SELECT coalesce(array_agg(a.assignee_id), '{}') FROM task_attempts a
        WHERE a.task_id = t.id AND a.ended_at IS NULL) AS open_attempts,
      (SELECT count(*)::int FROM outbox o WHERE o.task_id = t.id AND o.kind = 'card'
        AND (o.payload->>'version')::int = t.version) AS cards
    FROM tasks t WHERE t.guild_id = ${guildId} AND t.status = 'in_progress' ORDER BY t.number`);
}

describe.each(DRIVERS)("next combined for concurrent callers (%s)", (driver) => {
  const h = useHarness(driver);

  it("12 agents and 2 members at once over 20 tasks: the first 14 in queue order, each once, each with its own rows, in fewer statements than callers", async () => {
    const s = await newScene(h, { leaseMinutes: 5 });
    const bots = Array.from({ length: 12 }, () => user());
    for (const bot of bots) await h.agents.add(s.ctx(s.admin), { userId: bot.userId, maxConcurrent: 1 });
    const members = [user(), user()];
    const priorities = ["low", "medium", "high", "critical"] as const;
    for (let i = 0; i < 20; i += 1)
      await h.tasks.create(s.ctx(s.creator), { title: `Task ${i}`, priority: priorities[i % 4] });
    const queue = await h.rows<{ number: number }>(sql`SELECT number FROM tasks WHERE guild_id = ${s.guildId}
      ORDER BY priority_rank, created_at, id`);
    // Every view cached first: the claims' merged cache deletes must drop each one (read as fresh below).
    for (const row of queue) await h.tasks.get(s.ctx(s.creator), Number(row.number));
    const before = h.database.queryCount();
    const callers = [...bots, ...members];
    const claimed = await Promise.all(callers.map((actor) => h.tasks.next(s.ctx(actor, "mention"))));
    expect(h.database.queryCount() - before).toBeLessThan(callers.length);
    const numbers = claimed.map((task) => task!.number);
    expect(new Set(numbers).size).toBe(14);
    expect([...numbers].sort((a, b) => a - b)).toEqual(
      queue
        .slice(0, 14)
        .map((row) => Number(row.number))
        .sort((a, b) => a - b),
    );
    // Each caller's view is its own task as a fresh read shows it.
    for (const [index, task] of claimed.entries()) {
      expect(task!.assigneeId).toBe(callers[index]!.userId);
      expect(task).toEqual(await h.tasks.get(s.ctx(callers[index]!), task!.number));
    }
    const rows = await rowsPerTask(h, s.guildId);
    expect(rows).toHaveLength(14);
    const memberIds = new Set(members.map((member) => member.userId));
    for (const row of rows) {
      expect(row.claimed).toEqual([row.assignee_id]);
      expect(row.started).toEqual([row.assignee_id]);
      expect(row.open_attempts).toEqual([row.assignee_id]);
      expect(row.cards).toBe(1);
      expect(row.leased).toBe(!memberIds.has(row.assignee_id));
    }
    // A second round: every agent holds its one task, so only the members get another.
    const outcomes = await Promise.allSettled(callers.map((actor) => h.tasks.next(s.ctx(actor, "mention"))));
    const refused = outcomes.filter((outcome) => outcome.status === "rejected");
    expect(refused).toHaveLength(12);
    for (const outcome of refused) expect(outcome.reason).toMatchObject({ name: "AgentAtCapacityError" });
    const more = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value!] : []));
    expect(more.map((task) => task.assigneeId).sort()).toEqual(members.map((member) => member.userId).sort());
    expect(new Set([...numbers, ...more.map((task) => task.number)]).size).toBe(16);
  });

  it("with an agent that has labels and a task assigned to one caller: each gets what it would alone", async () => {
    const s = await newScene(h);
    const labeled = user();
    const assigned = user();
    const plain = Array.from({ length: 5 }, () => user());
    await h.agents.add(s.ctx(s.admin), { userId: labeled.userId, labels: "api", maxConcurrent: 3 });
    for (const bot of [assigned, ...plain]) await h.agents.add(s.ctx(s.admin), { userId: bot.userId });
    for (let i = 0; i < 8; i += 1)
      await h.tasks.create(s.ctx(s.creator), { title: `Plain ${i}`, labels: "ui", priority: "high" });
    await h.tasks.create(s.ctx(s.creator), { title: "Api", labels: "api", priority: "low" });
    await h.tasks.create(s.ctx(s.creator), {
      title: "Theirs",
      priority: "critical",
      assigneeId: assigned.userId,
    });
    const callers = [...plain.slice(0, 2), labeled, ...plain.slice(2), assigned];
    const claimed = (await Promise.all(
      callers.map((actor) => h.tasks.next(s.ctx(actor, "mention"))),
    )) as TaskView[];
    const by = new Map(claimed.map((task) => [task.assigneeId, task]));
    expect(by.get(labeled.userId)!.title).toBe("Api");
    expect(by.get(assigned.userId)!.title).toBe("Theirs");
    for (const bot of plain) expect(by.get(bot.userId)!.title).toMatch(/^Plain /);
    expect(new Set(claimed.map((task) => task.number)).size).toBe(callers.length);
    const rows = await rowsPerTask(h, s.guildId);
    expect(rows).toHaveLength(callers.length);
    for (const row of rows) {
      expect(row.started).toEqual([row.assignee_id]);
      expect(row.open_attempts).toEqual([row.assignee_id]);
      expect(row.cards).toBe(1);
    }
    // The assigned task was its assignee's already: a start, no claim.
    expect(rows.find((row) => row.assignee_id === assigned.userId)!.claimed).toEqual([]);
  });

  it("40 agents racing until the channel is empty: every task claimed exactly once, none left", async () => {
    const s = await newScene(h, { requireReview: false });
    const bots = Array.from({ length: 40 }, () => user());
    for (const bot of bots) await h.agents.add(s.ctx(s.admin), { userId: bot.userId, maxConcurrent: 100 });
    for (let i = 0; i < 60; i += 1) await h.tasks.create(s.ctx(s.creator), { title: `Task ${i}` });
    const seen: number[] = [];
    await Promise.all(
      bots.map(async (bot) => {
        for (;;) {
          const task = await h.tasks.next(s.ctx(bot, "mention"));
          if (!task) return;
          seen.push(task.number);
        }
      }),
    );
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    const [left] = await h.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM tasks WHERE guild_id = ${s.guildId} AND status = 'open'`,
    );
    expect(Number(left!.n)).toBe(0);
  });

  it("10 submits at once, done and into review: each task written once with its own event, attempt and rows, in fewer statements than submits; each view as a fresh get", async () => {
    for (const requireReview of [false, true]) {
      const s = await newScene(h, { requireReview });
      const bots = Array.from({ length: 10 }, () => user());
      for (const bot of bots) await h.agents.add(s.ctx(s.admin), { userId: bot.userId });
      for (let i = 0; i < 10; i += 1) await h.tasks.create(s.ctx(s.creator), { title: `Task ${i}` });
      const claimed: TaskView[] = [];
      for (const bot of bots) claimed.push((await h.tasks.next(s.ctx(bot, "mention")))!);
      const before = h.database.queryCount();
      const results = await Promise.all(
        bots.map((bot, index) =>
          h.tasks.transition(s.ctx(bot, "mention"), {
            number: claimed[index]!.number,
            action: "submit",
            text: `Result ${index}`,
          }),
        ),
      );
      // One read each, and fewer writes than submits.
      expect(h.database.queryCount() - before).toBeLessThan(20);
      for (const [index, { task }] of results.entries()) {
        expect(task).toMatchObject({
          number: claimed[index]!.number,
          status: requireReview ? "in_review" : "done",
          version: 3,
        });
        if (requireReview) expect(task.submission).toMatchObject({ attempt: 1, summary: `Result ${index}` });
        expect(task).toEqual(await h.tasks.get(s.ctx(bots[index]!), task.number));
      }
      const rows = await h.rows<{
        actor: string;
        events: number;
        summaries: string[];
        kinds: string[];
      }>(sql`SELECT t.assignee_id AS actor,
          (SELECT count(*)::int FROM task_events e WHERE e.task_id = t.id AND e.kind = 'submitted'
            AND e.actor_id = t.assignee_id AND e.details->>'note' = (SELECT a.summary FROM task_attempts a
              WHERE a.task_id = t.id)) AS events,
          (SELECT array_agg(a.summary) FROM task_attempts a WHERE a.task_id = t.id AND a.outcome = 'submitted'
            AND a.ended_at IS NOT NULL) AS summaries,
          (SELECT array_agg(o.kind ORDER BY o.id) FROM outbox o WHERE o.task_id = t.id) AS kinds
        FROM tasks t WHERE t.guild_id = ${s.guildId} ORDER BY t.number`);
      expect(rows).toHaveLength(10);
      for (const row of rows) {
        const index = bots.findIndex((bot) => bot.userId === row.actor);
        expect(row.events).toBe(1);
        expect(row.summaries).toEqual([`Result ${index}`]);
        expect(row.kinds).toEqual(
          requireReview
            ? ["card", "card", "card", "review_request"]
            : ["card", "card", "card", "creator_notice"],
        );
      }
    }
  });

  it("reads of concurrent changes share a statement: each decides on its own task, a missing number is refused alone", async () => {
    const s = await newScene(h, { requireReview: false });
    const bots = Array.from({ length: 6 }, () => user());
    for (const bot of bots) await h.agents.add(s.ctx(s.admin), { userId: bot.userId });
    for (let i = 0; i < 6; i += 1) await h.tasks.create(s.ctx(s.creator), { title: `Task ${i}` });
    const claimed: TaskView[] = [];
    for (const bot of bots) claimed.push((await h.tasks.next(s.ctx(bot, "mention")))!);
    const outcomes = await Promise.allSettled([
      ...bots.map((bot, index) =>
        h.tasks.transition(s.ctx(bot, "mention"), { number: claimed[index]!.number, action: "submit" }),
      ),
      h.tasks.transition(s.ctx(bots[0]!, "mention"), { number: 999, action: "submit" }),
      // Not the assignee's: refused on the task as read.
      h.tasks.transition(s.ctx(bots[1]!, "mention"), { number: claimed[2]!.number, action: "submit" }),
    ]);
    for (const [index, outcome] of outcomes.slice(0, 6).entries()) {
      expect(outcome.status).toBe("fulfilled");
      if (outcome.status === "fulfilled")
        expect(outcome.value.task).toMatchObject({ number: claimed[index]!.number, status: "done" });
    }
    expect(outcomes[6]).toMatchObject({
      status: "rejected",
      reason: { message: expect.stringMatching(/999/) },
    });
    expect(outcomes[7]!.status).toBe("rejected");
  });
});
