import { type SQL, sql } from "drizzle-orm";
import type { TaskView } from "../domain/task-view.ts";
import { inChannels } from "./channel-filter.ts";
import type { Queryable } from "./database.ts";
import { LIVE_LIST, queryRows } from "./raw.ts";
import { selectTaskViewsByIds } from "./task-views.ts";

/** Title, description and labels are all indexed with the english config (migration 0002). */
const tsQuery = (text: string) => sql`websearch_to_tsquery('english', ${text})`;

/**
 * The indexed expression of task_search_keys_idx: search_vector plus the task's block keys. The words
 * live in task_search (aliased `s`, migration 0016), one row per task, so a change of status never
 * writes the search index.
 */
const searchKeys = sql.raw("tasklane_search_keys(s.guild_id, s.number, s.search_vector)");

/** Block sizes of the search keys (tasklane_search_keys, migration 0013), each 8 of the one before. */
const BLOCK_SIZES = [256, 2_048, 16_384, 131_072];
/** A window is at most this many block keys (of mixed sizes): its query stays a handful of keys. */
const KEYS_PER_WINDOW = 32;
const FIRST_WINDOW = 1_024;
/** How far one window may outgrow the last: an estimate from a few matches is rough. */
const GROWTH = 128;

/** How many of the newest matches a search ranks: a page never waits for every match to be ranked. */
export const SEARCH_CANDIDATES = 1_000;

interface Candidate extends Record<string, unknown> {
  id: number;
  number: number;
  rank: number;
}

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

/**
 * Ranked by ts_rank over task_search.search_vector, newest first among equals: the best of the
 * newest SEARCH_CANDIDATES matches the reader may see. `matched` counts matches up to `upTo` (≥
 * SEARCH_CANDIDATES). The newest matches are found window by window, newest numbers first, each
 * window a few block keys of task_search_keys_idx ANDed with the words and sized from the matches
 * the last one held: neither a rare pair of words (whose matches sit far apart) nor a common word
 * (a match in every task) reads much more than the matches it ranks.
 */
export async function searchTasks(
  q: Queryable,
  guildId: string,
  channelIds: readonly string[] | null,
  text: string,
  offset: number,
  limit: number,
  upTo: number,
): Promise<{ items: TaskView[]; matched: number }> {
  const query = tsQuery(text);
  const [head] = await queryRows<{ nodes: number; top: number | null }>(
    q,
    sql`SELECT numnode(${query})::int AS nodes, (SELECT max(number) FROM tasks WHERE guild_id = ${guildId}) AS top`,
  );
  // Only stop words (or no words): no lexeme to match, as `@@` would say.
  if (!head || Number(head.nodes) === 0 || head.top === null || channelIds?.length === 0)
    return { items: [], matched: 0 };
  if (!/^\d+$/.test(guildId)) throw new Error("a guild id is a snowflake");
  const candidates: Candidate[] = [];
  let end = Number(head.top) + 1;
  let wanted = FIRST_WINDOW;
  while (end > 0 && candidates.length < upTo) {
    const { start, blocks } = nextWindow(end, wanted);
    const keys = blocks.map(([level, block]) => `'tasklane.${guildId}.${level}.${block}'`).join(" | ");
    // Materialized: the window's GIN lookup alone, never ANDed with a bitmap of the guild's numbers.
    // The words and the window are two conditions on the index, so GIN leapfrogs between them (each
    // skips to the other's next match) instead of testing every task of the window for the words.
    // Each match is ranked as it is read, so the CTE holds (id, number, rank), never the vectors: a
    // materialized row with its vector, sorted, then ranked, took 2-3x the statement's time.
    const rows = await queryRows<Candidate>(
      q,
      sql`WITH m AS MATERIALIZED (
          SELECT s.task_id AS id, s.number, s.guild_id, s.channel_id, ts_rank(s.search_vector, ${query}) AS rank
          FROM task_search s
          WHERE ${searchKeys} @@ ${query} AND ${searchKeys} @@ ${keys}::tsquery AND s.search_vector @@ ${query})
        SELECT m.id, m.number, m.rank FROM m
        WHERE m.guild_id = ${guildId} AND m.number >= ${start} AND m.number < ${end} AND ${inChannels(channelIds, "m")}
        ORDER BY m.number DESC LIMIT ${upTo - candidates.length}`,
    );
    candidates.push(...rows);
    const spanned = end - start;
    // Every match a window holds is read from the heap, the ones past the page too: from a rough
    // estimate (few matches) aim short and top up once from a good one, rather than overshoot.
    const missing = (upTo - candidates.length) * (rows.length < 100 ? 0.8 : 1.2);
    wanted =
      rows.length === 0
        ? spanned * 16
        : Math.min(spanned * GROWTH, Math.ceil((missing * spanned) / rows.length));
    end = start;
  }
  const ranked = candidates
    .slice(0, SEARCH_CANDIDATES)
    .map((row) => ({ id: Number(row.id), number: Number(row.number), rank: Number(row.rank) }))
    .sort((a, b) => b.rank - a.rank || b.number - a.number);
  const ids = ranked.slice(offset, offset + limit).map((row) => row.id);
  const views = await selectTaskViewsByIds(q, ids);
  const byId = new Map(views.map((view) => [view.id, view]));
  return {
    items: ids.map((id) => byId.get(id)).filter((view): view is TaskView => view !== undefined),
    matched: candidates.length,
  };
}

export interface SuggestRow extends Record<string, unknown> {
  number: number;
  title: string;
  status: string;
}

const suggestOrder = (rank: SQL) => sql`(t.status IN ${LIVE_LIST}) DESC, ${rank}, t.number DESC`;

/** Autocomplete: "#12"/"12" matches numbers starting 12 (as index ranges), words match title prefixes. */
export async function suggestTasks(
  q: Queryable,
  guildId: string,
  channelIds: readonly string[] | null,
  text: string,
  limit: number,
): Promise<SuggestRow[]> {
  const digits = /^#?(\d{1,10})$/.exec(text)?.[1];
  const words = text.match(/[\p{L}\p{N}]+/gu)?.slice(0, 5) ?? [];
  let where = sql`t.guild_id = ${guildId} AND ${inChannels(channelIds)}`;
  let order = suggestOrder(sql`t.number DESC`);
  let join = sql``;
  if (digits !== undefined) {
    const ranges = prefixRanges(Number(digits));
    // Digits past the largest task number (9999999999) match no task.
    if (ranges.length === 0) return [];
    where = sql`${where} AND (${sql.join(ranges, sql` OR `)})`;
    order = suggestOrder(sql`t.number ASC`);
  } else if (words.length > 0) {
    // Titles are indexed stemmed ("existing" as "exist"): a word matches as typed or as its stem.
    const perWord = words.map((word) => {
      const term = `${word.toLowerCase()}:*`;
      return sql`(to_tsquery('simple', ${term}) || to_tsquery('english', ${term}))`;
    });
    const prefix = sql`(${sql.join(perWord, sql` && `)})`;
    join = sql` JOIN task_search s ON s.task_id = t.id AND s.guild_id = t.guild_id`;
    where = sql`${where} AND ${searchKeys} @@ ${prefix} AND s.search_vector @@ ${prefix}`;
    order = suggestOrder(sql`ts_rank(s.search_vector, ${prefix}) DESC`);
  }
  return queryRows<SuggestRow>(
    q,
    sql`SELECT t.number, t.title, t.status FROM tasks t${join} WHERE ${where} ORDER BY ${order} LIMIT ${limit}`,
  );
}

/** 12 -> number = 12 OR 120..129 OR 1200..1299 …, up to the largest task number. */
function prefixRanges(prefix: number): SQL[] {
  const ranges: SQL[] = [];
  for (let scale = 1; prefix * scale <= 2_147_483_647; scale *= 10) {
    const low = prefix * scale;
    const high = Math.min((prefix + 1) * scale - 1, 2_147_483_647);
    ranges.push(scale === 1 ? sql`t.number = ${low}` : sql`t.number BETWEEN ${low} AND ${high}`);
    if (prefix === 0) break;
  }
  return ranges;
}
