import { z } from "zod";
import { viewKeys } from "../../cache/keys.ts";
import { snowflake } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { pageSchema } from "../../domain/validation/task-inputs.ts";
import { pageQueue } from "../../store/queue.ts";
import { countLiveTasks } from "../../store/tasks.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import type { Engine } from "../engine.ts";
import { readChannelSettings } from "../settings/settings-view.ts";
import type { PageRequest, QueueView } from "../types.ts";

const queueCursor = z.object({
  rank: z.number().int(),
  createdAt: z.iso.datetime({ offset: true }),
  id: z.number().int(),
});
const DEFAULT_LIMIT = 25;

/** The channel's open tasks by priority then age, with its live count and limit. The first page is cached. */
export async function taskQueue(
  engine: Engine,
  guildId: string,
  channelId: string,
  rawPage?: PageRequest,
): Promise<QueueView> {
  parseInput(snowflake, guildId, "guildId");
  parseInput(snowflake, channelId, "channelId");
  const page = parseInput(pageSchema, rawPage);
  const position = decodeCursor(queueCursor, page.cursor);
  const cacheable = position === null && page.limit === DEFAULT_LIMIT;
  const key = viewKeys.queue(guildId, channelId);
  if (cacheable) {
    const cached = await engine.cache.views.get<QueueView>(key);
    if (cached) return cached;
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
  return view;
}
