import { viewKeys } from "../../cache/keys.ts";
import { ForbiddenError } from "../../domain/errors.ts";
import { actorInChannel, canConfigureChannel, canManageServer } from "../../domain/roles.ts";
import { settingsPatchSchema } from "../../domain/validation/config-inputs.ts";
import { snowflake } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema } from "../../domain/validation/task-inputs.ts";
import { upsertChannelSettings, upsertGuildTimeZone } from "../../store/channel-settings.ts";
import { rearmChannelReminders } from "../../store/reminders.ts";
import { inTransaction } from "../../store/transaction.ts";
import { engineKeys } from "../cache-keys.ts";
import type { ActionContext, ChannelSettingsPatch, ServiceDeps, SettingsService } from "../contracts.ts";
import { withDatabaseFaults } from "../database-faults.ts";
import { createEngine, type Engine } from "../engine.ts";
import { rebuildGateCounter } from "../gate/gate-drift.ts";
import type { ConfigView } from "../views.ts";
import { rightsIn } from "../visibility.ts";
import { readChannelSettings, readTimeZone, settingsKey, toSettingsView } from "./settings-view.ts";

export function createSettingsService(deps: ServiceDeps): SettingsService {
  const engine = createEngine(deps);
  return withDatabaseFaults({
    get: (guildId, channelId) => {
      parseInput(snowflake, guildId, "guildId");
      parseInput(snowflake, channelId, "channelId");
      return readChannelSettings(engine, guildId, channelId);
    },
    show: async (rawCtx) => {
      const ctx = parseInput(actionContextSchema, rawCtx);
      requireConfigurer(ctx);
      const [settings, timezone] = await Promise.all([
        readChannelSettings(engine, ctx.guildId, ctx.channelId),
        readTimeZone(engine, ctx.guildId),
      ]);
      return { ...settings, timezone };
    },
    update: (ctx, patch) => updateSettings(engine, ctx, patch),
    timeZone: (guildId) => {
      parseInput(snowflake, guildId, "guildId");
      return readTimeZone(engine, guildId);
    },
  });
}

/** Manage Channels in the channel itself (Administrator holds it everywhere); one check for reads and writes. */
function requireConfigurer(ctx: ActionContext): void {
  const rights = rightsIn(ctx, ctx.channelId);
  if (!canConfigureChannel(actorInChannel(ctx.actor, rights), rights)) {
    throw new ForbiddenError(
      "Only members who can manage this channel can see or change its Tasklane settings.",
    );
  }
}

/** Admins only. The cached copy (and the queue summary showing the limit) is dropped after the commit. */
async function updateSettings(
  engine: Engine,
  rawCtx: ActionContext,
  rawPatch: ChannelSettingsPatch,
): Promise<ConfigView> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const { remindBefore, timezone, ...patch } = parseInput(settingsPatchSchema, rawPatch ?? {});
  requireConfigurer(ctx);
  if (timezone !== undefined && !canManageServer(ctx.actor)) {
    throw new ForbiddenError("Only members who can manage the server can change its time zone.");
  }
  const values = { ...patch, ...(remindBefore === undefined ? {} : { remindBeforeMinutes: remindBefore }) };
  const now = engine.now();
  const { row, zone } = await inTransaction(engine.db, async (tx) => {
    const row = await upsertChannelSettings(tx, ctx.guildId, ctx.channelId, values, now);
    // The live tasks' reminders follow the channel's new offsets (those already sent stay sent).
    if (remindBefore !== undefined || patch.remindOverdue !== undefined)
      await rearmChannelReminders(tx, ctx.channelId, now);
    const zone =
      timezone === undefined
        ? undefined
        : (await upsertGuildTimeZone(tx, ctx.guildId, timezone, now)).timezone;
    return { row, zone };
  });
  try {
    await engine.cache.views.del([
      settingsKey(ctx.guildId, ctx.channelId),
      viewKeys.queue(ctx.guildId, ctx.channelId),
      ...(zone === undefined ? [] : [engineKeys.timeZone(ctx.guildId)]),
    ]);
    // The counter of live tasks is kept only while a limit is set: recount it when one is (re)set.
    if (patch.queueLimit !== undefined && row.queueLimit !== null) {
      await rebuildGateCounter(engine.database, engine.cache.gate, ctx.channelId);
    }
  } catch (error) {
    engine.log.warn({ err: error }, "settings cache update failed");
  }
  // After the shared copy is gone: every instance drops its own and reads the new settings.
  await engine.cache.signals
    .publish({ type: "settings_changed", guildId: ctx.guildId, channelId: ctx.channelId })
    .catch((error: unknown) => engine.log.warn({ err: error }, "settings change signal failed"));
  engine.log.info(
    { guildId: ctx.guildId, channelId: ctx.channelId, actorId: ctx.actor.userId, patch },
    "channel settings changed",
  );
  const settings = toSettingsView(row, ctx.guildId, ctx.channelId);
  return { ...settings, timezone: zone ?? (await readTimeZone(engine, ctx.guildId)) };
}
