import type { Cache } from "../../cache/types.ts";
import { DEFAULT_TIME_ZONE } from "../../domain/time-zone.ts";
import { findChannelSettings, findGuildSettings } from "../../store/channel-settings.ts";
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
    remindBeforeMinutes: row?.remindBeforeMinutes ?? [1440],
    remindOverdue: row?.remindOverdue ?? true,
    threads: row?.threads ?? false,
  };
}

/**
 * How long this process answers a channel's settings from its own copy. A change drops the copies of
 * every instance at once (a `settings_changed` signal after its commit); this bounds how long one
 * that missed the signal (its subscriber reconnecting) still reads the old settings.
 */
export const LOCAL_SETTINGS_MS = 10_000;
const LOCAL_SETTINGS_MAX = 10_000;

interface LocalSettings {
  copies: Map<string, { view: ChannelSettingsView; until: number }>;
  /** Moves at every change signal: a read that began before one does not keep what it read. */
  generation: number;
}

const localByCache = new WeakMap<Cache, LocalSettings>();

/** This process's copies for `cache` (one set per cache, shared by every service built on it). */
function localSettings(cache: Cache): LocalSettings {
  const known = localByCache.get(cache);
  if (known) return known;
  const local: LocalSettings = { copies: new Map(), generation: 0 };
  cache.signals.subscribe((signal) => {
    if (signal.type !== "settings_changed") return;
    local.generation += 1;
    if (signal.channelId) local.copies.delete(settingsKey(signal.guildId, signal.channelId));
  });
  localByCache.set(cache, local);
  return local;
}

/**
 * Read on every create, card and queue: from this process's copy, else cache-aside (Redis, then
 * Postgres). The create path asks this before the gate, so a full channel costs no query.
 */
export async function readChannelSettings(
  engine: Engine,
  guildId: string,
  channelId: string,
): Promise<ChannelSettingsView> {
  const key = settingsKey(guildId, channelId);
  const local = localSettings(engine.cache);
  const now = performance.now();
  const copy = local.copies.get(key);
  if (copy && copy.until > now) return copy.view;
  const generation = local.generation;
  const view = await readSharedSettings(engine, key, guildId, channelId);
  if (local.generation === generation) {
    if (local.copies.size >= LOCAL_SETTINGS_MAX) local.copies.clear();
    local.copies.set(key, { view, until: now + LOCAL_SETTINGS_MS });
  }
  return view;
}

async function readSharedSettings(
  engine: Engine,
  key: string,
  guildId: string,
  channelId: string,
): Promise<ChannelSettingsView> {
  const cached = await engine.cache.views.get<ChannelSettingsView>(key);
  if (cached) return cached;
  const view = toSettingsView(await findChannelSettings(engine.db, channelId), guildId, channelId);
  await engine.cache.views.set(key, view, engine.viewTtlSeconds);
  return view;
}

/** Cache-aside read of the server's time zone (default UTC). */
export async function readTimeZone(engine: Engine, guildId: string): Promise<string> {
  const key = engineKeys.timeZone(guildId);
  const cached = await engine.cache.views.get<{ timezone: string }>(key);
  if (cached) return cached.timezone;
  const timezone = (await findGuildSettings(engine.db, guildId))?.timezone ?? DEFAULT_TIME_ZONE;
  await engine.cache.views.set(key, { timezone }, engine.viewTtlSeconds);
  return timezone;
}

/**
 * The zone a typed due date is read in: asked for only when there is a date to read (a create or
 * edit without one costs nothing). A bad guild id is left for the input check to name.
 */
export async function dueTimeZone(
  engine: Engine,
  ctx: { guildId?: unknown } | undefined,
  due: unknown,
): Promise<string | undefined> {
  if (typeof due !== "string" || due.trim() === "" || typeof ctx?.guildId !== "string") return undefined;
  if (!/^\d{17,20}$/.test(ctx.guildId)) return undefined;
  return readTimeZone(engine, ctx.guildId);
}
