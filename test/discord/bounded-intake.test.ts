import { describe, expect, it } from "vitest";
import { createGuardedRunner, type EntryEvent } from "../../src/discord/guarded-runner.ts";
import type { InteractionOutcome } from "../../src/discord/interaction-metrics.ts";
import { silentLogger } from "../../src/log.ts";
import { createEventService } from "../../src/services/events/index.ts";
import { DRIVERS, useHarness } from "../services/support/harness.ts";
import { snowflake } from "../services/support/scene.ts";

/** The runner's intake under a burst: a bounded number run, a bounded number wait, the oldest interactions go. */
describe.each(DRIVERS)("the guarded runner's bounded intake (%s)", (driver) => {
  const h = useHarness(driver);

  function runnerWith(limits: { concurrency: number; maxQueued: number; newestFirstAfterMs?: number }) {
    const intake = { newestFirstAfterMs: 60_000, ...limits };
    const answered: InteractionOutcome[] = [];
    const events = createEventService({ database: h.database, cache: h.cache, log: silentLogger });
    const runner = createGuardedRunner({
      services: { events },
      cache: h.cache,
      log: silentLogger,
      onAnswered: (e) => answered.push(e),
      intake,
    });
    return { runner, events, answered };
  }

  /** A handler that records when it starts and finishes only when released. */
  function blocked() {
    const started: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const releases: (() => void)[] = [];
    const handlerFor = (id: string) => ({
      run: async () => {
        started.push(id);
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        return undefined;
      },
      tell: async () => {},
    });
    const releaseAll = async () => {
      // Released work frees turns for the queue, whose work then blocks in turn: release until none is left.
      for (let round = 0; round < 50; round += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        for (const release of releases.splice(0)) release();
      }
    };
    return { started, handlerFor, releaseAll, mostAtOnce: () => mostAtOnce };
  }

  const event = (kind: EntryEvent["kind"]): EntryEvent => {
    const id = snowflake();
    return { id, kind, fields: { interactionId: id } };
  };
  /** Until `done` holds (each event's claim is a round trip, slower on a loaded machine), then a little more. */
  const settle = async (done: () => boolean) => {
    for (let waited = 0; !done() && waited < 10_000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
  };

  it("runs at most `concurrency` at once; past `maxQueued` waiting, the oldest waiting are dropped unanswered and unclaimed", async () => {
    const { runner, events, answered } = runnerWith({ concurrency: 2, maxQueued: 3 });
    const work = blocked();
    const burst = Array.from({ length: 8 }, () => event("slash"));
    const done = burst.map((e) => runner.run(e, work.handlerFor(e.id)));
    await settle(() => work.started.length >= 2);
    // The first two hold the turns (each starts once its claim answers, in either order).
    expect([...work.started].sort()).toEqual([burst[0]!.id, burst[1]!.id].sort());
    // Three waited past the queue's bound, the three oldest waiting: told nothing, counted as shed.
    expect(answered.filter((a) => a.outcome === "shed")).toHaveLength(3);
    expect(runner.inFlight()).toBe(5);

    await work.releaseAll();
    await Promise.all(done);
    // Turns are given in arrival order; each run starts once its claim answers, so compare as a set.
    expect([...work.started].sort()).toEqual([0, 1, 5, 6, 7].map((i) => burst[i]!.id).sort());
    expect(work.mostAtOnce()).toBe(2);
    expect(answered.filter((a) => a.outcome === "ok")).toHaveLength(5);
    expect(runner.inFlight()).toBe(0);
    // A shed event was never claimed: another instance on the same shard may still take it.
    for (const i of [2, 3, 4]) expect(await events.claim(burst[i]!.id)).toBe(true);
    for (const i of [0, 1, 5]) expect(await events.claim(burst[i]!.id)).toBe(false);
  });

  it("a waiting mention is never dropped: the interactions queued after it go instead", async () => {
    const { runner, answered } = runnerWith({ concurrency: 1, maxQueued: 1 });
    const work = blocked();
    const first = event("slash");
    const mention = event("mention");
    const later = [event("button"), event("slash")];
    const done = [first, mention, ...later].map((e) => runner.run(e, work.handlerFor(e.id)));
    await settle(() => work.started.length >= 1);
    expect(answered.filter((a) => a.outcome === "shed").map((a) => a.kind)).toEqual(["button", "slash"]);

    await work.releaseAll();
    await Promise.all(done);
    expect(work.started).toEqual([first.id, mention.id]);
  });

  it("behind (the oldest waiting longer than the bound), the newest waiting go first; in arrival order again once caught up", async () => {
    const { runner } = runnerWith({ concurrency: 1, maxQueued: 10, newestFirstAfterMs: 150 });
    const order: string[] = [];
    const releases = new Map<string, () => void>();
    const handlerFor = (name: string) => ({
      run: async () => {
        order.push(name);
        await new Promise<void>((resolve) => releases.set(name, resolve));
        return undefined;
      },
      tell: async () => {},
    });
    const release = async (name: string) => {
      await settle(() => releases.has(name));
      const resolve = releases.get(name);
      if (!resolve) throw new Error(`${name} never started; started: ${order.join(", ")}`);
      resolve();
    };
    const done = ["first", "a", "b", "c"].map((name) => runner.run(event("slash"), handlerFor(name)));
    // a, b and c wait behind `first` longer than the bound: the newest of them goes first, then the next newest.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await release("first");
    await release("c");
    await release("b");
    await settle(() => releases.has("a"));
    // Caught up: d and e have not waited long, so they go in arrival order after a.
    done.push(...["d", "e"].map((name) => runner.run(event("slash"), handlerFor(name))));
    await release("a");
    await release("d");
    await release("e");
    await Promise.all(done);
    expect(order).toEqual(["first", "c", "b", "a", "d", "e"]);
  });
});
