import { type SQL, sql } from "drizzle-orm";

/** Tasks (aliased `t`) in these channels only; null: every channel of the guild. */
export function inChannels(channelIds: readonly string[] | null): SQL {
  if (channelIds === null) return sql`true`;
  if (channelIds.length === 0) return sql`false`;
  return sql`t.channel_id = ANY(${sql.param([...channelIds])}::text[])`;
}
