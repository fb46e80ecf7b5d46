import { and, count, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { LIVE_STATUSES } from "../domain/task-states.ts";
import type { Queryable } from "./database.ts";
import { channelSettings, tasks } from "./schema.ts";

/** Live tasks of one channel: what the queue gate's counter must hold. */
export async function countLiveTasks(q: Queryable, channelId: string): Promise<number> {
  const [row] = await q
    .select({ live: count() })
    .from(tasks)
    .where(and(eq(tasks.channelId, channelId), inArray(tasks.status, [...LIVE_STATUSES])));
  return Number(row?.live ?? 0);
}

/** The channels with a queue limit: the only ones the gate keeps a counter for. */
export async function selectLimitedChannels(q: Queryable): Promise<string[]> {
  const rows = await q
    .select({ channelId: channelSettings.channelId })
    .from(channelSettings)
    .where(isNotNull(channelSettings.queueLimit));
  return rows.map((row) => row.channelId);
}

/** The lock every creating transaction takes on the channel's settings row. */
export async function lockChannelSettings(q: Queryable, channelId: string): Promise<void> {
  await q.execute(
    sql`SELECT 1 FROM ${channelSettings} WHERE ${channelSettings.channelId} = ${channelId} FOR UPDATE`,
  );
}
