import { type SQL, sql } from "drizzle-orm";

/** Tasks (aliased `t`, or `alias`) in these channels only; null: every channel of the guild. */
export function inChannels(channelIds: readonly string[] | null, alias = "t"): SQL {
  if (channelIds === null) return sql`true`;
  if (channelIds.length === 0) return sql`false`;
  return sql`${sql.raw(alias)}.channel_id = ANY(${sql.param([...channelIds])}::text[])`;
}
