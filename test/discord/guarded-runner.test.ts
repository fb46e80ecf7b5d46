import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  CLOCK_SKEW_MARGIN_MS,
  createGuardedRunner,
  type EntryEvent,
  type Failure,
  INTERACTION_WINDOW_MS,
} from "../../src/discord/guarded-runner.ts";
import type { InteractionOutcome } from "../../src/discord/interaction-metrics.ts";
import { NotFoundError } from "../../src/domain/errors.ts";
import { createLogger } from "../../src/log.ts";
import { createEventService } from "../../src/services/events/index.ts";
import { DRIVERS, useHarness } from "../services/support/harness.ts";
import { newScene, snowflake } from "../services/support/scene.ts";
import type { LogLine } from "./support/boot-bot.ts";

/** The one way in, on its own: a real event service (Postgres, Redis or the in-process cache) and real rate limiters. */
describe.each(DRIVERS)("the guarded runner (%s)", (driver) => {
  const h = useHarness(driver);

  function runner(now?: () => Date) {
    const lines: LogLine[] = [];
    const answered: InteractionOutcome[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    const log = createLogger({ level: "debug", destination: sink });
    const events = createEventService({ database: h.database, cache: h.cache, log });
    const run = createGuardedRunner({
      services: { events },
      cache: h.cache,
      log,
      onAnswered: (e) => answered.push(e),
      now,
    });
    return { run, lines, answered };
  }
  const event = (kind: EntryEvent["kind"] = "slash"): EntryEvent => {
    const id = snowflake();
    return { id, kind, fields: { interactionId: id } };
  };

  it("runs an event once: a second delivery (another instance, a retry) does nothing and is not counted", async () => {
    const { run, lines, answered } = runner();
    const e = event();
    let runs = 0;
    const handler = {
      run: async () => {
        runs += 1;
        return undefined;
      },
      tell: async () => {},
    };
    await Promise.all([run.run(e, handler), run.run(e, handler)]);
    await run.run(e, handler);
    expect(runs).toBe(1);
    expect(answered).toEqual([{ kind: "slash", outcome: "ok", ms: expect.any(Number) }]);
    expect(lines.filter((line) => line.msg === "interaction" && line.interactionId === e.id)).toHaveLength(1);
  });

  /** A handler that counts its runs and what it was told. */
  function counting() {
    const told: Failure[] = [];
    let runs = 0;
    return {
      told,
      runs: () => runs,
      handler: {
        run: async () => {
          runs += 1;
          return undefined;
        },
        tell: async (failure: Failure) => {
          told.push(failure);
        },
      },
    };
  }

  it("drops an interaction whose window has passed unclaimed and untold, counted and logged as expired", async () => {
    const sent = Date.parse("2030-01-01T12:00:00Z");
    let clock = sent + 10;
    const late = runner(() => new Date(clock));
    const work = counting();
    // One that arrives 10 ms after Discord made it: our clock and Discord's agree.
    await late.run.run({ ...event("button"), createdAt: sent }, work.handler);
    expect(work.runs()).toBe(1);
    // Two that reach us 10 s after Discord made them (queued behind a busy process, or delivered late).
    clock = sent + 10_000;
    const e = { ...event("button"), createdAt: sent };
    await late.run.run(e, work.handler);
    await late.run.run({ ...event("button"), createdAt: sent }, work.handler);
    expect(work.runs()).toBe(1);
    expect(work.told).toEqual([]);
    expect(late.answered.map((a) => a.outcome)).toEqual(["ok", "expired", "expired"]);
    expect(late.lines.find((line) => line.interactionId === e.id)?.outcome).toBe("expired");
    // One warning for the burst, not one per interaction.
    expect(late.lines.filter((line) => line.level === 40).map((line) => line.msg)).toEqual([
      "interactions reached us past Discord's window and were dropped",
    ]);
    // Not claimed: it is still there for an instance that gets it in time.
    clock = sent + INTERACTION_WINDOW_MS;
    await late.run.run(e, work.handler);
    expect(work.runs()).toBe(2);
    expect(late.answered.at(-1)?.outcome).toBe("ok");
  });

  it("a host clock 10 s ahead of Discord's still answers what arrives in time, and drops only what is late", async () => {
    const sent = Date.parse("2030-01-01T12:00:00Z");
    const AHEAD = 10_000;
    let clock = sent + AHEAD + 20;
    const { run, answered } = runner(() => new Date(clock));
    const work = counting();
    // Every interaction looks 10 s old by our clock, yet each arrived within milliseconds.
    for (let i = 0; i < 3; i += 1) {
      clock += 5;
      await run.run({ ...event("slash"), createdAt: clock - AHEAD - 15 }, work.handler);
    }
    expect(work.runs()).toBe(3);
    // One made 4 s before it reached us is late, whatever the clocks say.
    await run.run({ ...event("slash"), createdAt: clock - AHEAD - 4_000 }, work.handler);
    expect(work.runs()).toBe(3);
    expect(answered.map((a) => a.outcome)).toEqual(["ok", "ok", "ok", "expired"]);
  });

  it("runs an interaction still within its window, even a little past 3 s", async () => {
    const sent = Date.parse("2030-01-01T12:00:00Z");
    let clock = sent;
    const { run, answered } = runner(() => new Date(clock));
    const work = counting();
    await run.run({ ...event("slash"), createdAt: sent }, work.handler);
    clock = sent + INTERACTION_WINDOW_MS + CLOCK_SKEW_MARGIN_MS - 1;
    await run.run({ ...event("slash"), createdAt: sent }, work.handler);
    expect(work.runs()).toBe(2);
    expect(answered.map((a) => a.outcome)).toEqual(["ok", "ok"]);
  });

  it("a refusal is told as its sentence and logged refused:<code>; nothing else is logged as an error", async () => {
    const { run, lines, answered } = runner();
    const told: Failure[] = [];
    await run.run(event("mention"), {
      run: async () => {
        throw new NotFoundError("There is no task #404 in this server.");
      },
      tell: async (failure) => {
        told.push(failure);
      },
    });
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ expected: true, outcome: "refused:not_found" });
    expect(told[0]!.expected && told[0]!.error.message).toBe("There is no task #404 in this server.");
    expect(answered.map((a) => [a.kind, a.outcome])).toEqual([["mention", "refused:not_found"]]);
    expect(lines.find((line) => line.msg === "mention")?.outcome).toBe("refused:not_found");
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
  });

  it("an unexpected error gets an apology whose reference id is in the error's log line", async () => {
    const { run, lines } = runner();
    const told: Failure[] = [];
    const e = event("button");
    await run.run(e, {
      run: async () => {
        throw new Error("the card store fell over");
      },
      tell: async (failure) => {
        told.push(failure);
      },
    });
    const failure = told[0];
    if (!failure || failure.expected)
      throw new Error(`expected an unexpected failure, got ${JSON.stringify(told)}`);
    expect(failure.ref).toMatch(/^[0-9A-F]{8}$/);
    const logged = lines.find((line) => line.msg === "interaction failed");
    expect(logged).toMatchObject({ ref: failure.ref, interactionId: e.id });
    expect(JSON.stringify(logged)).toContain("the card store fell over");
    expect(lines.find((line) => line.msg === "interaction")?.outcome).toBe("error");
  });

  it("the guard takes from the actor's write bucket in this server: past it, the event is refused as rate limited", async () => {
    const s = await newScene(h);
    const { run } = runner();
    const outcomes: string[] = [];
    const limited = { ...s.ctx(s.member), guildId: snowflake() };
    for (let i = 0; i < 1_200; i += 1) {
      let outcome = "ok";
      await run.run(event(), {
        run: async (guard) => {
          await guard.limit(limited, true);
          return undefined;
        },
        tell: async (failure) => {
          outcome = failure.outcome;
        },
      });
      outcomes.push(outcome);
      if (outcome !== "ok") break;
    }
    expect(outcomes.at(-1)).toBe("refused:rate_limited");
    expect(outcomes.slice(0, -1).every((outcome) => outcome === "ok")).toBe(true);
  });

  it("a token taken with the claim is the one the guard uses: one per event, none for a lost claim, the same bucket", async () => {
    const s = await newScene(h);
    const { run } = runner();
    /** Events until the first refusal, each delivered `deliveries` times. */
    const untilRefused = async (withToken: boolean, deliveries: number) => {
      const limited = { ...s.ctx(s.member), guildId: snowflake() };
      const token = { bucket: "write" as const, key: `${limited.guildId}:${limited.actor.userId}` };
      for (let allowed = 0; allowed < 1_200; allowed += 1) {
        const e = { ...event(), ...(withToken ? { token } : {}) };
        let outcome = "ok";
        for (let delivery = 0; delivery < deliveries; delivery += 1) {
          await run.run(e, {
            run: async (guard) => {
              await guard.limit(limited, true);
              return undefined;
            },
            tell: async (failure) => {
              outcome = failure.outcome;
            },
          });
        }
        if (outcome === "refused:rate_limited") return allowed;
      }
      throw new Error("never rate limited");
    };
    const plain = await untilRefused(false, 1);
    expect(plain).toBeGreaterThan(0);
    expect(await untilRefused(true, 2)).toBe(plain);
  });

  it("drain waits for the event in flight; one arriving meanwhile is told Tasklane is restarting", async () => {
    const { run } = runner();
    let release = () => {};
    let finished = false;
    const slow = run.run(event(), {
      run: async () => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        finished = true;
        return undefined;
      },
      tell: async () => {},
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(run.inFlight()).toBe(1);
    const draining = run.drain(10_000);
    expect(run.draining).toBe(true);
    const told: Failure[] = [];
    let lateRan = false;
    const late = run.run(event(), {
      run: async () => {
        lateRan = true;
        return undefined;
      },
      tell: async (failure) => {
        told.push(failure);
      },
    });
    release();
    await Promise.all([slow, late, draining]);
    expect(finished).toBe(true);
    expect(lateRan).toBe(false);
    expect(told[0]?.expected && told[0].error.message).toBe(
      "Tasklane is restarting; try again in a few seconds.",
    );
    expect(run.inFlight()).toBe(0);
  });
});
