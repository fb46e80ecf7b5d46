import { describe, expect, it } from "vitest";
import { createMemoryGate } from "../../src/cache/memory-gate.ts";
import { createLocalTokenBucket } from "../../src/cache/token-bucket.ts";

/** The in-process rate limiter and gate hold a bounded number of keys, however many pass through. */
describe("bounded in-process maps", () => {
  it("a token bucket at maxKeys forgets the actor seen least recently, who starts full again", () => {
    const now = 0;
    const bucket = createLocalTokenBucket({ capacity: 1, windowSeconds: 60 }, () => now, 3);
    for (const actor of ["a", "b", "c"]) expect(bucket.take(actor).allowed).toBe(true);
    expect(bucket.take("a").allowed).toBe(false); // a is now the most recently seen
    expect(bucket.take("d").allowed).toBe(true); // the fourth actor: b, least recently seen, goes
    // a and c are remembered (still empty); b was forgotten and starts full.
    expect(bucket.take("a").allowed).toBe(false);
    expect(bucket.take("c").allowed).toBe(false);
    expect(bucket.take("b").allowed).toBe(true);
    // b's return made four again: d, now the least recently seen, went.
    expect(bucket.take("d").allowed).toBe(true);
  });

  it("a token bucket forgets an actor once a whole window has passed: full again, as if remembered", () => {
    let now = 0;
    const bucket = createLocalTokenBucket({ capacity: 2, windowSeconds: 10 }, () => now, 2);
    expect(bucket.take("a").allowed).toBe(true);
    expect(bucket.take("a").allowed).toBe(true);
    expect(bucket.take("a").allowed).toBe(false);
    now += 10_000;
    // Many others pass through meanwhile; a's empty bucket would have refilled anyway.
    for (let i = 0; i < 1_000; i += 1) bucket.take(`other${i}`);
    expect(bucket.take("a").allowed).toBe(true);
    expect(bucket.take("a").allowed).toBe(true);
    expect(bucket.take("a").allowed).toBe(false);
  });

  it("the memory gate keeps at most maxChannels counters; the least recently used reads unknown (reseeded)", async () => {
    const gate = createMemoryGate(300, () => 0, 2);
    await gate.seed("lane-a", 1);
    await gate.seed("lane-b", 0);
    expect(await gate.reserve("lane-a", 5)).toEqual({ kind: "reserved" });
    await gate.seed("lane-c", 4);
    expect(await gate.peek("lane-b")).toBeUndefined();
    expect(await gate.reserve("lane-b", 5)).toEqual({ kind: "unknown" });
    expect([await gate.peek("lane-a"), await gate.peek("lane-c")]).toEqual([2, 4]);
  });
});
