/**
 * The windows a search reads (src/store/search.ts): ranges of a guild's numbers, newest first, spelt as
 * the keys of its two search indexes (migrations 0013 and 0019).
 */

/** Block sizes of the search keys (tasklane_search_keys, migration 0013), each 8 of the one before. */
const BLOCK_SIZES = [256, 2_048, 16_384, 131_072];
/** The word keys' block: a level-2 block, so every block of a window at level 2 or 3 is whole word blocks. */
export const WORD_BLOCK = BLOCK_SIZES[2]!;
/** A window asks for at most this many word blocks (each a bitmap scan of its own). */
const WORD_BLOCKS_PER_WINDOW = 64;
/** tasklane_search_word_keys leaves out longer words (a key must fit a tsvector lexeme). */
const WORD_KEY_MAX_BYTES = 2_000;
/** A window is at most this many block keys (of mixed sizes): its query stays a handful of keys. */
const KEYS_PER_WINDOW = 32;

/**
 * The next window below `end` (exclusive), about `wanted` numbers, as the fewest aligned blocks:
 * from `end` down, each the largest block that starts on its own boundary and stays inside the
 * window, whose low end is rounded to a block of about a quarter of the window (so it needs
 * few small blocks at either end). Any size of window is one query; at most KEYS_PER_WINDOW keys.
 */
export function nextWindow(end: number, wanted: number): { start: number; blocks: [number, number][] } {
  const coarse = BLOCK_SIZES.findLast((size) => size <= Math.max(BLOCK_SIZES[0]!, wanted / 4))!;
  // At least one block below `end`, however small the window wanted: every window moves on.
  const floorBlock = Math.ceil(end / BLOCK_SIZES[0]!) * BLOCK_SIZES[0]! - BLOCK_SIZES[0]!;
  const low = Math.max(0, Math.min(floorBlock, Math.round((end - wanted) / coarse) * coarse));
  const blocks: [number, number][] = [];
  let at = end;
  if (at % BLOCK_SIZES[0]! !== 0) {
    // Only the first window ends inside a block: numbers above the guild's newest do not exist.
    blocks.push([0, Math.floor(at / BLOCK_SIZES[0]!)]);
    at = Math.floor(at / BLOCK_SIZES[0]!) * BLOCK_SIZES[0]!;
  }
  while (at > low && blocks.length < KEYS_PER_WINDOW) {
    let level = BLOCK_SIZES.length - 1;
    while (level > 0 && (at % BLOCK_SIZES[level]! !== 0 || at - BLOCK_SIZES[level]! < low)) level -= 1;
    const size = BLOCK_SIZES[level]!;
    blocks.push([level, at / size - 1]);
    at -= size;
  }
  return { start: at, blocks };
}

/** A block key as a tsquery operand, spelt as tasklane_search_keys spells it (migration 0013). */
export const blockKey = (guildId: string, [level, block]: [number, number]) =>
  `'tasklane.${guildId}.${level}.${block}'`;

/** A word's key in a word block as a tsquery operand (tasklane_search_word_keys, migration 0019). */
export const wordKey = (guildId: string, block: number, word: string) =>
  `'tasklane.${guildId}.w${block}.${word}'`;

const OPERAND = String.raw`'(?:[^'\\]|''|\\.)*'`;
const ONLY_AND = new RegExp(`^${OPERAND}(?: & ${OPERAND})*$`);

/**
 * The words of a query that is words joined by AND only (websearch's `two words`), as Postgres
 * prints a tsquery's operands (quoted, `'` and `\` doubled), so a word key is the operand with a
 * prefix; null for anything else (or, not, a phrase) or a word with no key, which take the block keys.
 */
export function conjunctWords(printed: string): string[] | null {
  if (!ONLY_AND.test(printed)) return null;
  const operands = [...printed.matchAll(new RegExp(OPERAND, "g"))].map(([quoted]) => quoted.slice(1, -1));
  const unescaped = (operand: string) => operand.replace(/''/g, "'").replace(/\\(.)/g, "$1");
  if (operands.some((operand) => Buffer.byteLength(unescaped(operand)) > WORD_KEY_MAX_BYTES)) return null;
  return operands;
}

/** One part of a window, newest first: a run of block keys (ANDed with the words) or of word blocks. */
export type WindowPart = { blockKeys: [number, number][] } | { wordBlocks: number[] };

/**
 * A window as the parts its statement reads in turn, newest first: the blocks below level 2 as runs
 * of block keys, and, for a query of words joined by AND, the blocks at level 2 or 3 as runs of the
 * word blocks they hold; without such words every block is a block key. A window holding more than
 * WORD_BLOCKS_PER_WINDOW word blocks ends (and `start` rises) before the block that would pass it.
 */
export function windowParts(
  window: { start: number; blocks: [number, number][] },
  words: boolean,
): { start: number; parts: WindowPart[] } {
  const parts: WindowPart[] = [];
  let wordBlocks = 0;
  let start = window.start;
  for (const [level, block] of window.blocks) {
    const size = BLOCK_SIZES[level]!;
    const last = parts.at(-1);
    if (!words || size < WORD_BLOCK) {
      if (last && "blockKeys" in last) last.blockKeys.push([level, block]);
      else parts.push({ blockKeys: [[level, block]] });
      continue;
    }
    const per = size / WORD_BLOCK;
    if (wordBlocks + per > WORD_BLOCKS_PER_WINDOW) {
      start = (block + 1) * size;
      break;
    }
    const run = last && "wordBlocks" in last ? last.wordBlocks : [];
    if (run.length === 0) parts.push({ wordBlocks: run });
    for (let i = per - 1; i >= 0; i -= 1) run.push(block * per + i);
    wordBlocks += per;
  }
  return { start, parts };
}

/**
 * A window's parts as its statement reads them: the block keys above its word blocks, the word
 * blocks, the block keys below them (any of them empty). windowParts never gives more: blocks grow,
 * then shrink, from a window's end down, so its blocks of level 2 or 3 are one run.
 */
export function aroundWordBlocks(parts: WindowPart[]): [[number, number][], number[], [number, number][]] {
  const above: [number, number][] = [];
  const run: number[] = [];
  const below: [number, number][] = [];
  for (const part of parts) {
    if ("wordBlocks" in part) {
      if (run.length > 0 || below.length > 0) throw new Error("a window has one run of word blocks");
      run.push(...part.wordBlocks);
    } else (run.length === 0 ? above : below).push(...part.blockKeys);
  }
  return [above, run, below];
}
