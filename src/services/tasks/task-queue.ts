import { z } from "zod";
import { viewKeys } from "../../cache/keys.ts";
import { ForbiddenError } from "../../domain/errors.ts";
import { snowflake } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema, pageSchema } from "../../domain/validation/task-inputs.ts";
import { pageQueue } from "../../store/queue.ts";
import { countLiveTasks } from "../../store/tasks.ts";
import type { ActionContext, PageRequest } from "../contracts.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import type { Engine } from "../engine.ts";
import { readChannelSettings } from "../settings/settings-view.ts";
import type { QueueView } from "../views.ts";
import { channelScope, viewFor } from "../visibility.ts";

const queueCursor = z.object({
  rank: z.number().int(),
  createdAt: z.iso.datetime({ offset: true }),
  id: z.number().int(),
});
const DEFAULT_LIMIT = 25;

/** The channel's open tasks by priority then age, with its live count and limit. The first page is cached. */
export async function taskQueue(
  engine: Engine,
  rawCtx: ActionContext,
  channelId: string,
  rawPage?: PageRequest,
): Promise<QueueView> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const { guildId } = ctx;
  parseInput(snowflake, channelId, "channelId");
  if (channelScope(ctx, channelId) !== null) {
    throw new ForbiddenError(`You can't see <#${channelId}>, so Tasklane can't show its queue.`);
  }
  const page = parseInput(pageSchema, rawPage);
  const position = decodeCursor(queueCursor, page.cursor);
  const cacheable = position === null && page.limit === DEFAULT_LIMIT;
  const key = viewKeys.queue(guildId, channelId);
  if (cacheable) {
    const cached = await engine.cache.views.get<QueueView>(key);
    if (cached) return queueFor(ctx, cached);
  }
  const [settings, { items, last, more }, liveCount] = await Promise.all([
    readChannelSettings(engine, guildId, channelId),
    pageQueue(engine.db, guildId, channelId, position, page.limit),
    countLiveTasks(engine.db, channelId),
  ]);
  const view: QueueView = {
    channelId,
    items,
    liveCount,
    limit: settings.queueLimit,
    nextCursor: more && last ? encodeCursor(last) : null,
  };
  if (cacheable) await engine.cache.views.set(key, view, engine.viewTtlSeconds);
  return queueFor(ctx, view);
}

function queueFor(ctx: ActionContext, view: QueueView): QueueView {
  return { ...view, items: view.items.map((item) => viewFor(ctx, item)) };
}
