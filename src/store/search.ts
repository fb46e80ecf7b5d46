import { type SQL, sql } from "drizzle-orm";
import type { TaskView } from "../domain/task-view.ts";
import { inChannels } from "./channel-filter.ts";
import type { Queryable } from "./database.ts";
import { type PreparedStatement, prepareStatement, runPreparedOn } from "./prepared.ts";
import { LIVE_LIST, queryRows } from "./raw.ts";
import {
  aroundWordBlocks,
  blockKey,
  conjunctWords,
  nextWindow,
  WORD_BLOCK,
  windowParts,
  wordKey,
} from "./search-windows.ts";
import { selectTaskViewsByIds } from "./task-views.ts";

/** Title, description and labels are all indexed with the english config (migration 0002). */
const tsQuery = (text: string | SQL) => sql`websearch_to_tsquery('english', ${text})`;

/**
 * The indexed expression of task_search_keys_idx: search_vector plus the task's block keys. The words
 * live in task_search (aliased `s`, migration 0016), one row per task, so a change of status never
 * writes the search index.
 */
const searchKeys = sql.raw("tasklane_search_keys(s.guild_id, s.number, s.search_vector)");

/**
 * Each of a task's words once more, qualified by (guild, block of WORD_BLOCK numbers) (migration 0019):
 * a whole block's matches of a few words decode only those words' entries of that block.
 */
const wordKeys = sql.raw("tasklane_search_word_keys(s.guild_id, s.number, s.search_vector)");

/** The first window: this many blocks of 256 numbers, from the guild's newest number down. */
const FIRST_BLOCKS = 4;
/** How far one window may outgrow the last: an estimate from a few matches is rough. */
const GROWTH = 128;

/** How many of the newest matches a search ranks: a page never waits for every match to be ranked. */
export const SEARCH_CANDIDATES = 1_000;

interface Candidate extends Record<string, unknown> {
  id: number;
  number: number;
  rank: number;
}

interface WindowRow extends Record<string, unknown> {
  kept: number;
  id: number | null;
  number: number | null;
  rank: number | null;
}

/** What a window answers: how many matches it kept, and the best `best` it may rank (of `rankable`). */
function windowAnswer(columns: SQL, from: SQL, rankable: SQL, best: SQL): SQL {
  return sql`rankable AS (SELECT * FROM kept ORDER BY number DESC LIMIT ${rankable})
    SELECT ${columns} k.kept, b.id, b.number, b.rank FROM ${from} (SELECT count(*)::int AS kept FROM kept) k
    LEFT JOIN LATERAL (SELECT * FROM rankable ORDER BY rank DESC, number DESC LIMIT ${best}) b ON true`;
}

interface FirstWindowValues extends Record<string, unknown> {
  text: string;
  guildId: string;
  upTo: number;
  best: number;
  channelIds: string[];
}

type FirstWindowRow = WindowRow & { printed: string; top: number | null; start: number | null };

/**
 * The first window, with what the others need: the guild's newest number, and the query as Postgres
 * prints it; prepared (its shape never changes). A query of stop words only (no lexeme, as `@@` would
 * say) or a guild with no tasks reads nothing.
 */
function firstWindow(name: string, channelFilter: SQL): PreparedStatement<FirstWindowValues> {
  const guildId = sql`${sql.placeholder("guildId")}::text`;
  const keys = sql`(SELECT string_agg(quote_literal('tasklane.' || ${guildId} || '.0.' || b), ' | ')
      FROM generate_series(greatest(0, head.top / 256 - ${sql.raw(String(FIRST_BLOCKS - 1))}), head.top / 256) AS b)::tsquery`;
  return prepareStatement(
    name,
    sql`WITH head AS MATERIALIZED (
        SELECT ${tsQuery(sql`${sql.placeholder("text")}::text`)} AS query,
          (SELECT max(number) FROM tasks WHERE guild_id = ${guildId}) AS top),
      first AS MATERIALIZED (
        SELECT head.query, head.top, greatest(0, head.top / 256 - ${sql.raw(String(FIRST_BLOCKS - 1))}) * 256 AS start,
          ${keys} AS keys
        FROM head WHERE numnode(head.query) > 0 AND head.top IS NOT NULL),
      kept AS MATERIALIZED (SELECT m.* FROM first f CROSS JOIN LATERAL (
        SELECT s.task_id AS id, s.number, ts_rank(s.search_vector, f.query) AS rank FROM task_search s
        WHERE ${searchKeys} @@ f.query AND ${searchKeys} @@ f.keys AND s.search_vector @@ f.query
          AND s.guild_id = ${guildId} AND s.number >= f.start AND ${channelFilter}
        ORDER BY s.number DESC LIMIT ${sql.placeholder("upTo")}::int) m),
      ${windowAnswer(
        sql`h.query::text AS printed, f.top, f.start,`,
        sql`head h LEFT JOIN first f ON true CROSS JOIN`,
        sql.raw(String(SEARCH_CANDIDATES)),
        sql`${sql.placeholder("best")}::int`,
      )}`,
  );
}

const FIRST_WINDOW = firstWindow("tasklane_search_first_window", sql`true`);
const FIRST_WINDOW_IN_CHANNELS = firstWindow(
  "tasklane_search_first_window_in_channels",
  sql`s.channel_id = ANY(${sql.placeholder("channelIds")}::text[])`,
);

interface WindowValues extends Record<string, unknown> {
  /** The query as Postgres printed it. */
  query: string;
  guildId: string;
  channelIds: string[];
  start: number;
  end: number;
  /** The block keys above the word blocks and below them (a tsquery ORing them), or null for none. */
  above: string | null;
  below: string | null;
  /** Per word block, its words' keys ANDed (a tsquery), and the block, newest first. */
  wordKeys: string[];
  wordBlocks: number[];
  remaining: number;
  rankable: number;
  best: number;
}

/**
 * A later window: its block keys above its word blocks, the word blocks, its block keys below them
 * (any of them empty), read in turn; prepared, as the parts are values. The parts cover descending
 * ranges of numbers and are read in turn (the Append's parts, the word blocks as the nested loop takes
 * them from the array), so `kept` is the window's newest matches and a part past the LIMIT is never
 * read. The words and the block keys are two conditions on the index, so GIN leapfrogs between them
 * (each skips to the other's next match) instead of testing every task of the window for the words;
 * a word block needs no block key, so it decodes only its words' entries. Each match is ranked as it
 * is read (the rows hold (id, number, rank), never the vectors).
 */
function laterWindow(name: string, channelFilter: SQL): PreparedStatement<WindowValues> {
  const query = sql`${sql.placeholder("query")}::tsquery`;
  const matches = (found: SQL) =>
    sql`SELECT s.task_id AS id, s.number, ts_rank(s.search_vector, ${query}) AS rank FROM task_search s
      WHERE ${found} AND s.search_vector @@ ${query} AND s.guild_id = ${sql.placeholder("guildId")}::text
        AND s.number >= ${sql.placeholder("start")}::int AND s.number < ${sql.placeholder("end")}::int AND ${channelFilter}
      ORDER BY s.number DESC`;
  const byKeys = (keys: SQL) =>
    sql`(${matches(sql`${keys} IS NOT NULL AND ${searchKeys} @@ ${query} AND ${searchKeys} @@ ${keys}`)})`;
  const inBlock = sql`s.number >= b.block * ${sql.raw(String(WORD_BLOCK))} AND s.number < (b.block + 1) * ${sql.raw(String(WORD_BLOCK))}`;
  return prepareStatement(
    name,
    sql`WITH kept AS MATERIALIZED (SELECT * FROM (
        ${byKeys(sql`${sql.placeholder("above")}::tsquery`)}
        UNION ALL (SELECT m.* FROM unnest(${sql.placeholder("wordKeys")}::text[], ${sql.placeholder("wordBlocks")}::int[])
            AS b(words, block)
          CROSS JOIN LATERAL (${matches(sql`${wordKeys} @@ b.words::tsquery AND ${inBlock}`)}) m)
        UNION ALL ${byKeys(sql`${sql.placeholder("below")}::tsquery`)}) parts
        LIMIT ${sql.placeholder("remaining")}::int),
      ${windowAnswer(sql``, sql``, sql`${sql.placeholder("rankable")}::int`, sql`${sql.placeholder("best")}::int`)}`,
  );
}

const LATER_WINDOW = laterWindow("tasklane_search_window", sql`true`);
const LATER_WINDOW_IN_CHANNELS = laterWindow(
  "tasklane_search_window_in_channels",
  sql`s.channel_id = ANY(${sql.placeholder("channelIds")}::text[])`,
);

/**
 * Ranked by ts_rank over task_search.search_vector, newest first among equals: the best of the
 * newest SEARCH_CANDIDATES matches the reader may see. `matched` counts matches up to `upTo` (≥
 * SEARCH_CANDIDATES). The newest matches are found window by window, newest numbers first, each
 * window a few block keys of task_search_keys_idx ANDed with the words, or word blocks of
 * task_search_word_keys_idx, and sized from the matches the last one held: neither a rare pair of
 * words (whose matches sit far apart) nor a common word (a match in every task) reads much more
 * than the matches it ranks. A window answers only how many matches it kept and its best
 * `offset + limit`: the page is the best of the windows' best.
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
  if (channelIds?.length === 0) return { items: [], matched: 0 };
  if (!/^\d+$/.test(guildId)) throw new Error("a guild id is a snowflake");
  const best: Candidate[] = [];
  let matched = 0;
  const take = (rows: WindowRow[]) => {
    const kept = Number(rows[0]?.kept ?? 0);
    matched += kept;
    for (const row of rows) {
      if (row.id !== null)
        best.push({ id: Number(row.id), number: Number(row.number), rank: Number(row.rank) });
    }
    return kept;
  };
  const everyChannel = channelIds === null;
  const channels = channelIds === null ? [] : [...channelIds];
  const first = await runPreparedOn<FirstWindowRow, FirstWindowValues>(
    q,
    everyChannel ? FIRST_WINDOW : FIRST_WINDOW_IN_CHANNELS,
    { text, guildId, upTo, best: offset + limit, channelIds: channels },
  );
  const head = first[0];
  if (!head || head.start === null || head.top === null) return { items: [], matched: 0 };
  const words = conjunctWords(head.printed);
  let end = Number(head.start);
  let spanned = Number(head.top) + 1 - end;
  let kept = take(first);
  while (end > 0 && matched < upTo) {
    // Every match a run of block keys holds is read from the heap, the ones past the page too: from a
    // rough estimate (few matches) aim short and top up once from a good one, rather than overshoot.
    const missing = (upTo - matched) * (kept < 100 ? 0.8 : 1.2);
    let wanted =
      kept === 0 ? spanned * 16 : Math.min(spanned * GROWTH, Math.ceil((missing * spanned) / kept));
    // Word blocks past the LIMIT are never read: a window that will be mostly word blocks reaches
    // for every number left (up to WORD_BLOCKS_PER_WINDOW blocks), so a rough estimate costs no top-up.
    if (words !== null && wanted >= WORD_BLOCK) wanted = end;
    const { start, parts } = windowParts(nextWindow(end, wanted), words !== null);
    const [above, run, below] = aroundWordBlocks(parts);
    const keysOf = (blocks: [number, number][]) =>
      blocks.length === 0 ? null : blocks.map((block) => blockKey(guildId, block)).join(" | ");
    kept = take(
      await runPreparedOn<WindowRow, WindowValues>(
        q,
        everyChannel ? LATER_WINDOW : LATER_WINDOW_IN_CHANNELS,
        {
          query: head.printed,
          guildId,
          channelIds: channels,
          start,
          end,
          above: keysOf(above),
          below: keysOf(below),
          wordKeys: run.map((block) => words!.map((word) => wordKey(guildId, block, word)).join(" & ")),
          wordBlocks: run,
          remaining: upTo - matched,
          rankable: Math.max(0, SEARCH_CANDIDATES - matched),
          best: offset + limit,
        },
      ),
    );
    spanned = end - start;
    end = start;
  }
  const ids = best
    .sort((a, b) => b.rank - a.rank || b.number - a.number)
    .slice(offset, offset + limit)
    .map((row) => row.id);
  const views = await selectTaskViewsByIds(q, ids);
  const byId = new Map(views.map((view) => [view.id, view]));
  return {
    items: ids.map((id) => byId.get(id)).filter((view): view is TaskView => view !== undefined),
    matched,
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
