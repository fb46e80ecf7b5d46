import { z } from "zod";
import { PRIORITIES, STATUS_FILTERS } from "../../domain/task-states.ts";
import { labels, snowflake } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema, pageSchema, searchQuery } from "../../domain/validation/task-inputs.ts";
import { countSearch, searchTasks } from "../../store/search.ts";
import { countTasks, type ListPosition, pageTasks } from "../../store/task-lists.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import type { Engine } from "../engine.ts";
import type { ActionContext, ListFilters, Page, PageRequest, TaskView } from "../types.ts";
import { channelScope, viewableChannels, viewFor } from "../visibility.ts";

const filtersSchema = z.object({
  status: z.enum(STATUS_FILTERS).default("live"),
  assigneeId: snowflake.optional(),
  priority: z.enum(PRIORITIES).optional(),
  label: labels.optional(),
  channelId: snowflake.optional(),
});

const listCursor = z.union([z.object({ after: z.number().int() }), z.object({ before: z.number().int() })]);

/** Newest first, filtered, keyset-paginated (the cursor is a task number), with the total. Default: live tasks. */
export async function listTasks(
  engine: Engine,
  rawCtx: ActionContext,
  rawFilters: ListFilters,
  rawPage?: PageRequest,
): Promise<Page<TaskView>> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const { guildId } = ctx;
  const filters = parseInput(filtersSchema, rawFilters ?? {});
  const page = parseInput(pageSchema, rawPage);
  const position: ListPosition = decodeCursor(listCursor, page.cursor);
  const channelIds = filters.channelId ? channelScope(ctx, filters.channelId) : viewableChannels(ctx);
  const query = { guildId, ...filters, label: filters.label?.[0], channelIds };
  const [{ items, more }, total] = await Promise.all([
    pageTasks(engine.db, query, position, page.limit),
    countTasks(engine.db, query),
  ]);
  const first = items[0];
  const last = items.at(-1);
  const backwards = position !== null && "before" in position;
  return {
    items: items.map((item) => viewFor(ctx, item)),
    total,
    nextCursor: last && (backwards || more) ? encodeCursor({ after: last.number }) : null,
    prevCursor:
      first && (backwards ? more : position !== null) ? encodeCursor({ before: first.number }) : null,
  };
}

const searchCursor = z.object({ offset: z.number().int().min(0) });

/** Ranked full-text search over title, description and labels; the cursor is an offset into the ranking. */
export async function searchTaskViews(
  engine: Engine,
  rawCtx: ActionContext,
  rawQuery: string,
  rawPage?: PageRequest,
): Promise<Page<TaskView>> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const { guildId } = ctx;
  const channelIds = viewableChannels(ctx);
  const text = parseInput(searchQuery, rawQuery, "query");
  const page = parseInput(pageSchema, rawPage);
  const offset = decodeCursor(searchCursor, page.cursor)?.offset ?? 0;
  const [items, total] = await Promise.all([
    searchTasks(engine.db, guildId, channelIds, text, offset, page.limit),
    countSearch(engine.db, guildId, channelIds, text),
  ]);
  const next = offset + items.length;
  return {
    items: items.map((item) => viewFor(ctx, item)),
    total,
    nextCursor: next < total ? encodeCursor({ offset: next }) : null,
    prevCursor: offset > 0 ? encodeCursor({ offset: Math.max(0, offset - page.limit) }) : null,
  };
}
