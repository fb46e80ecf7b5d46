import { describe, expect, it } from "vitest";
import { retryDelayMs } from "../../src/domain/backoff.ts";

describe("retry backoff", () => {
  const policy = { baseMs: 30_000, capMs: 3_600_000, jitter: 0.2 };
  const middle = () => 0.5;

  it("doubles per failure from the base", () => {
    expect([1, 2, 3, 4].map((failures) => retryDelayMs(failures, policy, middle))).toEqual([
      30_000, 60_000, 120_000, 240_000,
    ]);
  });

  it("never exceeds the cap, even with jitter", () => {
    expect(retryDelayMs(20, policy, () => 0.999)).toBe(3_600_000);
  });

  it("spreads retries by at most the jitter fraction", () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(24_000);
    expect(retryDelayMs(1, policy, () => 1)).toBe(36_000);
  });
});
