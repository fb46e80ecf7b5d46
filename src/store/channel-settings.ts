import { eq, sql } from "drizzle-orm";
import type { Queryable, Tx } from "./database.ts";
import { type ChannelSettingsRow, channelSettings, type GuildSettingsRow, guildSettings } from "./schema.ts";

export type SettingsValues = Partial<
  Pick<
    ChannelSettingsRow,
    | "queueLimit"
    | "reviewerRoleId"
    | "requireReview"
    | "allowSelfReview"
    | "maxAttempts"
    | "leaseMinutes"
    | "autoAssign"
    | "notifyReviewers"
    | "notifyCreator"
    | "remindBeforeMinutes"
    | "remindOverdue"
    | "threads"
  >
>;

export async function findChannelSettings(
  q: Queryable,
  channelId: string,
): Promise<ChannelSettingsRow | undefined> {
  const [row] = await q.select().from(channelSettings).where(eq(channelSettings.channelId, channelId));
  return row;
}

/**
 * The channel's settings row, created with defaults if missing, locked FOR UPDATE until the transaction
 * ends. Every transaction that makes a task live in the channel takes this lock first: that is what makes
 * the queue limit exact.
 */
export async function lockChannelSettings(
  tx: Tx,
  guildId: string,
  channelId: string,
): Promise<ChannelSettingsRow> {
  await tx.execute(sql`
    INSERT INTO channel_settings (channel_id, guild_id) VALUES (${channelId}, ${guildId})
    ON CONFLICT (channel_id) DO NOTHING`);
  const [row] = await tx
    .select()
    .from(channelSettings)
    .where(eq(channelSettings.channelId, channelId))
    .for("update");
  return row!;
}

/**
 * The channel's queue limit, its settings row (if any) share-locked until the transaction ends: creates
 * in a channel without a limit never wait on each other, and a limit being set waits for them (and they
 * for it, seeing it once it commits).
 */
export async function shareChannelLimit(tx: Tx, channelId: string): Promise<number | null> {
  const [row] = await tx
    .select({ queueLimit: channelSettings.queueLimit })
    .from(channelSettings)
    .where(eq(channelSettings.channelId, channelId))
    .for("share");
  return row?.queueLimit ?? null;
}

export async function upsertChannelSettings(
  tx: Tx,
  guildId: string,
  channelId: string,
  values: SettingsValues,
  now: Date,
): Promise<ChannelSettingsRow> {
  const [row] = await tx
    .insert(channelSettings)
    .values({ channelId, guildId, ...values, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: channelSettings.channelId, set: { ...values, updatedAt: now } })
    .returning();
  return row!;
}

export async function findGuildSettings(
  q: Queryable,
  guildId: string,
): Promise<GuildSettingsRow | undefined> {
  const [row] = await q.select().from(guildSettings).where(eq(guildSettings.guildId, guildId));
  return row;
}

export async function upsertGuildTimeZone(
  tx: Tx,
  guildId: string,
  timezone: string,
  now: Date,
): Promise<GuildSettingsRow> {
  const [row] = await tx
    .insert(guildSettings)
    .values({ guildId, timezone, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: guildSettings.guildId, set: { timezone, updatedAt: now } })
    .returning();
  return row!;
}

/** The guild's channels whose reviewer role is one of `roleIds` (channel_settings_guild_idx). */
export async function findChannelsReviewedBy(
  q: Queryable,
  guildId: string,
  roleIds: readonly string[],
): Promise<string[]> {
  if (roleIds.length === 0) return [];
  const rows = await q
    .select({ channelId: channelSettings.channelId })
    .from(channelSettings)
    .where(
      sql`${channelSettings.guildId} = ${guildId} AND ${channelSettings.reviewerRoleId} = ANY(${sql.param([...roleIds])}::text[])`,
    );
  return rows.map((row) => row.channelId);
}
