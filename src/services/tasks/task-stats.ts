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
  channelsWithTasks,
  countOverdue,
  mergeParts,
  type StatsPart,
  statsBlocks,
  statsBlocksOf,
} from "../../store/stats.ts";
import { engineKeys } from "../cache-keys.ts";
import type { ActionContext } from "../contracts.ts";
import type { Engine } from "../engine.ts";
import type { StatsView } from "../views.ts";
import { channelScope, viewableChannels } from "../visibility.ts";

/**
 * Per guild or channel. byPriority counts live tasks (the work still ahead). Each channel's part is
 * cached until a task of that channel changes (or the view TTL passes); a server's figures merge the
 * parts of the channels the reader sees, so after a change only that channel is read again.
 */
export async function taskStats(
  engine: Engine,
  rawCtx: ActionContext,
  channelId?: string,
): Promise<StatsView> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const { guildId } = ctx;
  // Overdue moves with the clock, not with changes: counted fresh, never cached (index-only:
  // tasks_stats_number_idx for a channel, tasks_live_due_idx for a whole guild).
  const overdueIn = (channelIds: readonly string[] | null) =>
    countOverdue(engine.db, guildId, channelIds, engine.now());
  if (channelId !== undefined) {
    parseInput(snowflake, channelId, "channelId");
    if (channelScope(ctx, channelId) !== null) return { ...mergeStats([]), overdue: 0 };
    const [part, overdue] = await Promise.all([
      cachedPart(engine, guildId, channelId),
      overdueIn([channelId]),
    ]);
    return { ...mergeStats([part]), overdue };
  }
  const visible = viewableChannels(ctx);
  const overdue = overdueIn(visible);
  // The merge of every channel is the same for everyone who sees them all: that one is cached too.
  const key = engineKeys.stats(guildId);
  if (visible === null) {
    const cached = await engine.cache.views.get<Omit<StatsView, "overdue">>(key);
    if (cached) return { ...cached, overdue: await overdue };
  }
  const channels = (await channelsWithTasks(engine.db, guildId)).filter(
    (id) => visible === null || visible.includes(id),
  );
  const parts: StatsPart[] = [];
  // A few channels at a time: a cold server does not take the whole pool (each part is five queries).
  for (let i = 0; i < channels.length; i += PARTS_AT_ONCE) {
    const batch = channels.slice(i, i + PARTS_AT_ONCE);
    parts.push(...(await Promise.all(batch.map((id) => cachedPart(engine, guildId, id)))));
  }
  const stats = mergeStats(parts);
  if (visible === null) await engine.cache.views.set(key, stats, engine.viewTtlSeconds);
  return { ...stats, overdue: await overdue };
}

const PARTS_AT_ONCE = 4;

/**
 * A channel's part: cached as it is, and as the parts of its blocks of numbers (STATS_BLOCK). A change
 * deletes its channel's part and its own block's (Effects.task), so the part is merged again from the
 * blocks still cached and the few read again (in one set of queries, however many).
 */
async function cachedPart(engine: Engine, guildId: string, channelId: string): Promise<StatsPart> {
  const key = engineKeys.statsPart(guildId, channelId);
  const cached = await engine.cache.views.get<StatsPart>(key);
  if (cached) return cached;
  const blocks = await statsBlocksOf(engine.db, guildId, channelId);
  const blockKey = (block: number) => engineKeys.statsBlock(guildId, channelId, block);
  const found = await Promise.all(blocks.map((block) => engine.cache.views.get<StatsPart>(blockKey(block))));
  const missing = blocks.filter((_, i) => found[i] === undefined);
  const read = await statsBlocks(engine.db, guildId, channelId, missing);
  await Promise.all(
    [...read].map(([block, part]) => engine.cache.views.set(blockKey(block), part, engine.viewTtlSeconds)),
  );
  // In block order whatever was cached: the sums (floats among them) add up the same way every time.
  const part = mergeParts(blocks.map((block, i) => found[i] ?? read.get(block)!));
  await engine.cache.views.set(key, part, engine.viewTtlSeconds);
  return part;
}

/** The figures of several channels from theirs: their merged part, then the orders and cuts the view shows. */
function mergeStats(parts: readonly StatsPart[]): Omit<StatsView, "overdue"> {
  const merged = mergeParts(parts);
  const byStatus = Object.fromEntries(TASK_STATUSES.map((status) => [status, 0])) as Record<
    TaskStatus,
    number
  >;
  const byPriority = Object.fromEntries(PRIORITIES.map((priority) => [priority, 0])) as Record<
    Priority,
    number
  >;
  for (const { status, priority, n } of merged.counts) {
    byStatus[status] += n;
    if (isLive(status)) byPriority[priority] += n;
  }
  const { estimates } = merged;
  const actualMinutes = Math.round(estimates.actualMinutes);
  return {
    byStatus,
    byPriority,
    labels: [...merged.labels]
      .sort((x, y) => y.total - x.total || (x.label < y.label ? -1 : x.label > y.label ? 1 : 0))
      .slice(0, 25)
      .map(({ label, done, total }) => ({ label, done, total, percent: Math.round((done * 100) / total) })),
    assignees: [...merged.assignees]
      .sort(
        (a, b) =>
          b.live - a.live || b.done - a.done || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
      )
      .slice(0, 25)
      .map(({ userId, live, inProgress, done, doneMinutes, timedDone }) => ({
        userId,
        live,
        inProgress,
        done,
        avgCompletionMinutes: timedDone > 0 ? Math.round(doneMinutes / timedDone) : null,
      })),
    estimates: {
      tasks: estimates.tasks,
      estimatedMinutes: estimates.estimatedMinutes,
      actualMinutes,
      ratio:
        estimates.estimatedMinutes > 0
          ? Math.round((actualMinutes / estimates.estimatedMinutes) * 100) / 100
          : null,
    },
    oldestOpen: merged.oldestOpen,
    reviewsPending: byStatus.in_review,
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
