import { describe, expect, it } from "vitest";
import { nextWindow } from "../../src/store/search.ts";

const SIZES = [256, 2_048, 16_384, 131_072];

describe("search windows (src/store/search.ts)", () => {
  it("cover [start, end) with contiguous aligned blocks, always move on, and stay a handful of keys", () => {
    for (let end = 1; end < 600_000; end += 89) {
      for (const wanted of [1, 256, 1_024, 5_000, 90_000, 1_000_000]) {
        const { start, blocks } = nextWindow(end, wanted);
        expect(start).toBeGreaterThanOrEqual(0);
        expect(start).toBeLessThan(end);
        expect(blocks.length).toBeLessThanOrEqual(32);
        // Newest block first; each ends where the one before it starts; the first covers end - 1.
        let at = Math.ceil(end / 256) * 256;
        for (const [level, block] of blocks) {
          expect((block + 1) * SIZES[level]!).toBe(at);
          at = block * SIZES[level]!;
        }
        expect(at).toBe(start);
      }
    }
  });

  it("a window about as large as wanted, whatever the alignment of its end", () => {
    for (const [end, wanted] of [
      [250_001, 1_024],
      [248_833, 90_000],
      [500_001, 600_000],
    ] as const) {
      const { start } = nextWindow(end, wanted);
      expect(end - start).toBeGreaterThanOrEqual(Math.min(end, wanted * 0.75));
      expect(end - start).toBeLessThanOrEqual(Math.min(end, wanted * 1.25 + 256));
    }
  });
});
