import { isNotNull, sql } from "drizzle-orm";
import type { Queryable } from "./database.ts";
import { channelSettings } from "./schema.ts";

/** The channels with a queue limit: the only ones the gate keeps a counter for. */
export async function selectLimitedChannels(q: Queryable): Promise<string[]> {
  const rows = await q
    .select({ channelId: channelSettings.channelId })
    .from(channelSettings)
    .where(isNotNull(channelSettings.queueLimit));
  return rows.map((row) => row.channelId);
}

/** The lock every creating transaction takes on the channel's settings row (when it has one; none is created). */
export async function lockExistingSettings(q: Queryable, channelId: string): Promise<void> {
  await q.execute(
    sql`SELECT 1 FROM ${channelSettings} WHERE ${channelSettings.channelId} = ${channelId} FOR UPDATE`,
  );
}
