import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { createRedisCache } from "../../src/cache/redis-cache.ts";
import { silentLogger } from "../../src/log.ts";
import { systemReader } from "../../src/services/actors.ts";
import { useHarness, warmPool } from "./support/harness.ts";
import { newScene, user } from "./support/scene.ts";

/** Real Postgres only: PGlite runs one statement at a time, so nothing races there. */
describe("concurrency with many real connections (postgres)", () => {
  const h = useHarness("postgres", { poolMax: 60 });
  beforeEach(async () => {
    await warmPool(h, 60);
  });

  const settle = <T>(calls: Promise<T>[]) => Promise.allSettled(calls);
  const rejected = (results: PromiseSettledResult<unknown>[]) =>
    results
      .filter((result): result is PromiseRejectedResult => result.status === "rejected")
      .map((result) => result.reason);

  it("200 racing creates into a channel limited to 10 admit exactly 10", async () => {
    const s = await newScene(h, { queueLimit: 10 });
    // 20 bot instances (each queues its own creates per guild) racing on one database.
    const instances = h.instances(20);
    const results = await settle(
      Array.from({ length: 200 }, (_, i) =>
        instances[i % 20]!.create(s.ctx(user()), { title: `Racer ${i}` }),
      ),
    );
    const refusals = rejected(results);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(10);
    expect(refusals).toHaveLength(190);
    for (const error of refusals) expect(error).toMatchObject({ name: "QueueLimitError", limit: 10 });
    const [live] = await h.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM tasks WHERE channel_id = ${s.channelId}`,
    );
    expect(live!.n).toBe(10);
    expect(
      (await h.tasks.list(systemReader(s.guildId), {})).items
        .map((task) => task.number)
        .sort((a, b) => a - b),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The gate agrees with Postgres (unless Redis was too slow for the run and the cache degraded).
    const counter = await h.cache.gate.peek(s.channelId);
    if (h.cache.metrics().available && counter !== undefined) expect(counter).toBe(10);
  });

  it("with Redis unreachable, Postgres alone admits exactly 10 of 200 racing creates", async () => {
    const s = await newScene(h, { queueLimit: 10 });
    const deadRedis = await createRedisCache({
      url: "redis://127.0.0.1:1",
      log: silentLogger,
      startupWaitMs: 50,
      probeIntervalMs: 60_000,
    });
    try {
      const instances = h.instances(20, deadRedis);
      const results = await settle(
        Array.from({ length: 200 }, (_, i) =>
          instances[i % 20]!.create(s.ctx(user()), { title: `Racer ${i}` }),
        ),
      );
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(10);
      for (const error of rejected(results))
        expect(error).toMatchObject({ name: "QueueLimitError", limit: 10 });
      expect((await h.tasks.list(systemReader(s.guildId), {})).total).toBe(10);
    } finally {
      await deadRedis.close();
    }
  });

  it("100 racing creates in one guild get the numbers 1..100, no gap, no duplicate", async () => {
    const s = await newScene(h);
    const instances = h.instances(25);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        instances[i % 25]!.create(
          s.ctx(user(), "slash", i % 2 === 0 ? s.channelId : `${s.channelId.slice(0, -1)}9`),
          {
            title: `Numbered ${i}`,
          },
        ),
      ),
    );
    expect(results.map((task) => task.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });

  it("50 racing approvals: one done, one approval event, 49 refusals that say who approved", async () => {
    const s = await newScene(h);
    const worker = user();
    await h.tasks.create(s.ctx(s.creator), { title: "Contested review", assigneeId: worker.userId });
    await h.tasks.transition(s.ctx(worker), { number: 1, action: "start" });
    const submitted = await h.tasks.transition(s.ctx(worker), { number: 1, action: "submit" });
    const reviewers = Array.from({ length: 50 }, () => user([], [s.reviewerRoleId]));
    const results = await settle(
      reviewers.map((reviewer, i) =>
        h.tasks.transition(s.ctx(reviewer, "button"), {
          number: 1,
          action: "approve",
          // Half click a card's button (with its version), half type the command (no version).
          expectedVersion: i % 2 === 0 ? submitted.task.version : undefined,
        }),
      ),
    );
    const winners = results.filter((result) => result.status === "fulfilled");
    expect(winners).toHaveLength(1);
    const task = await h.tasks.get(systemReader(s.guildId), 1);
    expect(task.status).toBe("done");
    const approvals = (await h.tasks.history(systemReader(s.guildId), 1)).items.filter(
      (event) => event.kind === "approved",
    );
    expect(approvals).toHaveLength(1);
    expect(await h.tasks.reviews(systemReader(s.guildId), 1)).toHaveLength(1);
    const refusals = rejected(results);
    expect(refusals).toHaveLength(49);
    for (const error of refusals) {
      expect(error).toMatchObject({
        name: "ConflictError",
        message: `#1 was already approved by <@${approvals[0]!.actorId}>.`,
      });
    }
  });

  it("100 racing next calls over 40 open tasks claim each task exactly once", async () => {
    const s = await newScene(h);
    for (let i = 0; i < 40; i += 1) {
      await h.tasks.create(s.ctx(s.creator), {
        title: `Work item ${i}`,
        priority: i % 3 === 0 ? "high" : "medium",
      });
    }
    const callers = Array.from({ length: 100 }, () => user());
    const claims = await Promise.all(callers.map((caller) => h.tasks.next(s.ctx(caller, "mention"))));
    const got = claims.filter((task) => task !== null);
    expect(got).toHaveLength(40);
    expect(new Set(got.map((task) => task!.number)).size).toBe(40);
    expect(new Set(got.map((task) => task!.assigneeId)).size).toBe(40);
    for (const [i, task] of claims.entries()) {
      if (task) expect(task.assigneeId).toBe(callers[i]!.userId);
    }
    const [counts] = await h.rows<{ in_progress: number; started: number }>(sql`SELECT
      (SELECT count(*)::int FROM tasks WHERE channel_id = ${s.channelId} AND status = 'in_progress') AS in_progress,
      (SELECT count(*)::int FROM task_events WHERE guild_id = ${s.guildId} AND kind = 'started') AS started`);
    expect(counts).toEqual({ in_progress: 40, started: 40 });
  });
});
