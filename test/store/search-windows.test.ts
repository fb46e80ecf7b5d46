import { describe, expect, it } from "vitest";
import {
  aroundWordBlocks,
  conjunctWords,
  nextWindow,
  type WindowPart,
  windowParts,
} from "../../src/store/search-windows.ts";

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

  it("a window for words joined by AND reads its blocks of 16,384 numbers or more as word blocks, in order", () => {
    for (let end = 1; end < 3_000_000; end += 9_973) {
      for (const wanted of [1_024, 90_000, 1_000_000, 4_000_000]) {
        const window = nextWindow(end, wanted);
        const { start, parts } = windowParts(window, true);
        // Newest first, contiguous: each part ends where the one before it starts.
        let at = Math.ceil(end / 256) * 256;
        let wordBlocks = 0;
        for (const part of parts) {
          if ("blockKeys" in part) {
            for (const [level, block] of part.blockKeys) {
              expect(level).toBeLessThan(2);
              expect((block + 1) * SIZES[level]!).toBe(at);
              at = block * SIZES[level]!;
            }
          } else {
            for (const block of part.wordBlocks) {
              expect((block + 1) * 16_384).toBe(at);
              at = block * 16_384;
            }
            wordBlocks += part.wordBlocks.length;
          }
        }
        expect(at).toBe(start);
        expect(wordBlocks).toBeLessThanOrEqual(64);
        // Only a window cut at 64 word blocks ends before nextWindow's; never a block key left behind.
        if (start !== window.start) expect(wordBlocks).toBeGreaterThan(56);
        // Two runs of one kind never touch: the parts alternate, and the word blocks are one run, so
        // the statement's three parts (block keys above, word blocks, block keys below) hold them all.
        for (let i = 1; i < parts.length; i += 1) {
          expect("blockKeys" in parts[i]!).not.toBe("blockKeys" in parts[i - 1]!);
        }
        const [above, run, below] = aroundWordBlocks(parts);
        const statementParts: WindowPart[] = [
          { blockKeys: above },
          { wordBlocks: run },
          { blockKeys: below },
        ];
        expect(
          statementParts.filter((part) =>
            "blockKeys" in part ? part.blockKeys.length > 0 : part.wordBlocks.length > 0,
          ),
        ).toEqual(parts);
      }
    }
  });

  it("a window of two runs of word blocks has no statement", () => {
    expect(() =>
      aroundWordBlocks([{ wordBlocks: [3] }, { blockKeys: [[1, 11]] }, { wordBlocks: [1] }]),
    ).toThrow();
  });

  it("any other query reads every block as a block key, as nextWindow gave them", () => {
    const window = nextWindow(500_001, 400_000);
    expect(window.blocks.some(([level]) => level >= 2)).toBe(true);
    expect(windowParts(window, false)).toEqual({
      start: window.start,
      parts: [{ blockKeys: window.blocks }],
    });
  });

  it("finds the words of a query joined by AND only, as Postgres prints them", () => {
    expect(conjunctWords("'docker' & 'imag'")).toEqual(["docker", "imag"]);
    expect(conjunctWords("'omega'")).toEqual(["omega"]);
    // A quote or backslash in a word is printed doubled and kept so: the key reads back the same.
    expect(conjunctWords(String.raw`'it''s' & 'back\\slash'`)).toEqual(["it''s", String.raw`back\\slash`]);
    expect(conjunctWords("'x & y' & 'z'")).toEqual(["x & y", "z"]);
    for (const other of [
      "'alpha' | 'beta'",
      "'alpha' & !'beta'",
      "'common' <-> 'task'",
      "!'beta'",
      "'a':*",
      "",
    ]) {
      expect(conjunctWords(other)).toBeNull();
    }
    // A word too long for a key (tasklane_search_word_keys leaves it out) takes the block keys.
    expect(conjunctWords(`'${"a".repeat(2_000)}'`)).toEqual(["a".repeat(2_000)]);
    expect(conjunctWords(`'ok' & '${"é".repeat(1_001)}'`)).toBeNull();
  });
});
