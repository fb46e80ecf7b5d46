import { type SQL, sql } from "drizzle-orm";
import { LIVE_STATUSES } from "../domain/task-states.ts";
import type { TaskView } from "../domain/task-view.ts";
import { inChannels } from "./channel-filter.ts";
import type { Queryable } from "./database.ts";
import { queryRows } from "./raw.ts";
import { selectTaskViews } from "./task-views.ts";

/** Title, description and labels are all indexed with the english config (migration 0002). */
const tsQuery = (text: string) => sql`websearch_to_tsquery('english', ${text})`;

const LIVE = sql.raw(`(${LIVE_STATUSES.map((status) => `'${status}'`).join(", ")})`);

/** `channelIds`: the channels the reader may see; null: all of them. Counts at most `upTo` matches. */
export async function countSearch(
  q: Queryable,
  guildId: string,
  channelIds: readonly string[] | null,
  text: string,
  upTo: number,
): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    q,
    sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM tasks t
      WHERE t.guild_id = ${guildId} AND ${inChannels(channelIds)} AND t.search_vector @@ ${tsQuery(text)} LIMIT ${upTo}) capped`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** How many of the newest matches a search ranks: a page never waits for every match to be ranked. */
export const SEARCH_CANDIDATES = 1_000;

/**
 * Ranked by ts_rank over the generated search_vector, newest first among equals: the best of the
 * newest SEARCH_CANDIDATES matches. For a rare word Postgres finds the matches through the GIN index;
 * for a common one it walks the guild's numbers newest first (tasks_guild_number_key) and stops at
 * the candidate count, so neither ranks every match of a million tasks.
 */
export async function searchTasks(
  q: Queryable,
  guildId: string,
  channelIds: readonly string[] | null,
  text: string,
  offset: number,
  limit: number,
): Promise<TaskView[]> {
  const query = tsQuery(text);
  // The page is picked among the candidates; only its rows are then read as views.
  const where = sql`t.id IN (SELECT ranked.id FROM (
      SELECT c.id, c.number, c.search_vector FROM tasks c
      WHERE c.guild_id = ${guildId} AND ${inChannels(channelIds, "c")} AND c.search_vector @@ ${query}
      ORDER BY c.number DESC LIMIT ${SEARCH_CANDIDATES}) ranked
    ORDER BY ts_rank(ranked.search_vector, ${query}) DESC, ranked.number DESC LIMIT ${limit} OFFSET ${offset})`;
  return selectTaskViews(q, where, { order: sql`ts_rank(t.search_vector, ${query}) DESC, t.number DESC` });
}

export interface SuggestRow extends Record<string, unknown> {
  number: number;
  title: string;
  status: string;
}

const suggestOrder = (rank: SQL) => sql`(t.status IN ${LIVE}) DESC, ${rank}, t.number DESC`;

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
    where = sql`${where} AND t.search_vector @@ ${prefix}`;
    order = suggestOrder(sql`ts_rank(t.search_vector, ${prefix}) DESC`);
  }
  return queryRows<SuggestRow>(
    q,
    sql`SELECT t.number, t.title, t.status FROM tasks t WHERE ${where} ORDER BY ${order} LIMIT ${limit}`,
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
