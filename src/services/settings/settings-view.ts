import { findChannelSettings } from "../../store/channel-settings.ts";
import type { ChannelSettingsRow } from "../../store/schema.ts";
import { engineKeys } from "../cache-keys.ts";
import type { Engine } from "../engine.ts";
import type { ChannelSettingsView } from "../views.ts";

export const settingsKey = engineKeys.settings;

/** A channel nobody configured has these (the table's defaults). */
export function toSettingsView(
  row: ChannelSettingsRow | undefined,
  guildId: string,
  channelId: string,
): ChannelSettingsView {
  return {
    channelId,
    guildId: row?.guildId ?? guildId,
    queueLimit: row?.queueLimit ?? null,
    reviewerRoleId: row?.reviewerRoleId ?? null,
    requireReview: row?.requireReview ?? true,
    allowSelfReview: row?.allowSelfReview ?? false,
    maxAttempts: row?.maxAttempts ?? 3,
    leaseMinutes: row?.leaseMinutes ?? 30,
    autoAssign: row?.autoAssign ?? "off",
    notifyReviewers: row?.notifyReviewers ?? "mention",
    notifyCreator: row?.notifyCreator ?? "mention",
  };
}

/** Cache-aside read: the create path asks this before the gate, so a full channel costs no query. */
export async function readChannelSettings(
  engine: Engine,
  guildId: string,
  channelId: string,
): Promise<ChannelSettingsView> {
  const key = settingsKey(guildId, channelId);
  const cached = await engine.cache.views.get<ChannelSettingsView>(key);
  if (cached) return cached;
  const view = toSettingsView(await findChannelSettings(engine.db, channelId), guildId, channelId);
  await engine.cache.views.set(key, view, engine.viewTtlSeconds);
  return view;
}
