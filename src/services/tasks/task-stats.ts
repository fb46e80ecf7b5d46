import {
  isLive,
  PRIORITIES,
  type Priority,
  TASK_STATUSES,
  type TaskStatus,
} from "../../domain/task-states.ts";
import type { TaskRef } from "../../domain/task-view.ts";
import { snowflake } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema, suggestLimit, suggestQuery } from "../../domain/validation/task-inputs.ts";
import { suggestTasks } from "../../store/search.ts";
import {
  assigneeWorkload,
  countByStatusAndPriority,
  countOverdue,
  estimateAccuracy,
  labelProgress,
  oldestOpen,
  type StatsScope,
} from "../../store/stats.ts";
import { engineKeys } from "../cache-keys.ts";
import type { ActionContext } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import type { StatsView } from "../views.ts";
import { channelScope, viewableChannels } from "../visibility.ts";

/**
 * Per guild or channel. byPriority counts live tasks (the work still ahead). Cached until a task of
 * the scope changes (or the view TTL passes): the aggregates read the whole scope.
 */
export async function taskStats(
  engine: Engine,
  rawCtx: ActionContext,
  channelId?: string,
): Promise<StatsView> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const { guildId } = ctx;
  if (channelId !== undefined) parseInput(snowflake, channelId, "channelId");
  const channelIds = channelId === undefined ? viewableChannels(ctx) : channelScope(ctx, channelId);
  // One channel's figures are the same for everyone who sees it (and none for who doesn't); a server's
  // figures depend on the channels the reader sees, so only the unrestricted ones are cached.
  if (channelIds !== null) return computeStats(engine, { guildId, channelId, channelIds });
  const key = engineKeys.stats(guildId, channelId);
  const cached = await engine.cache.views.get<StatsView>(key);
  if (cached) return cached;
  const stats = await computeStats(engine, { guildId, channelId, channelIds });
  await engine.cache.views.set(key, stats, engine.viewTtlSeconds);
  return stats;
}

async function computeStats(engine: Engine, scope: StatsScope): Promise<StatsView> {
  const [counts, labels, assignees, estimates, oldest, overdue] = await Promise.all([
    countByStatusAndPriority(engine.db, scope),
    labelProgress(engine.db, scope),
    assigneeWorkload(engine.db, scope),
    estimateAccuracy(engine.db, scope),
    oldestOpen(engine.db, scope),
    countOverdue(engine.db, scope, engine.now()),
  ]);
  const byStatus = Object.fromEntries(TASK_STATUSES.map((status) => [status, 0])) as Record<
    TaskStatus,
    number
  >;
  const byPriority = Object.fromEntries(PRIORITIES.map((priority) => [priority, 0])) as Record<
    Priority,
    number
  >;
  for (const { status, priority, n } of counts) {
    byStatus[status] += n;
    if (isLive(status)) byPriority[priority] += n;
  }
  return {
    byStatus,
    byPriority,
    labels: labels.map((label) => ({ ...label, percent: Math.round((label.done * 100) / label.total) })),
    assignees,
    estimates: {
      ...estimates,
      ratio:
        estimates.estimatedMinutes > 0
          ? Math.round((estimates.actualMinutes / estimates.estimatedMinutes) * 100) / 100
          : null,
    },
    oldestOpen: oldest,
    reviewsPending: byStatus.in_review,
    overdue,
  };
}

/** Autocomplete choices: live tasks first, at most `limit` (≤ 25). */
export async function suggestionsFor(
  engine: Engine,
  rawCtx: ActionContext,
  rawQuery: string,
  rawLimit = 25,
): Promise<TaskRef[]> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const text = parseInput(suggestQuery, rawQuery ?? "", "query");
  const limit = parseInput(suggestLimit, rawLimit, "limit");
  const rows = await suggestTasks(engine.db, ctx.guildId, viewableChannels(ctx), text, limit);
  return rows.map((row) => ({
    number: Number(row.number),
    title: row.title,
    status: row.status as TaskStatus,
  }));
}
