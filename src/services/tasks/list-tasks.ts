import { z } from "zod";
import { DUE_FILTERS, type DueFilter, PRIORITIES, STATUS_FILTERS } from "../../domain/task-states.ts";
import type { TaskView } from "../../domain/task-view.ts";
import { addDays, wallTimeIn, zonedInstant } from "../../domain/time-zone.ts";
import { labels, snowflake } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema, pageSchema, searchQuery } from "../../domain/validation/task-inputs.ts";
import { searchTasks } from "../../store/search.ts";
import {
  countTasks,
  countTasksWithDue,
  type DuePosition,
  type ListPosition,
  type ListQuery,
  pageTasks,
  pageTasksByDue,
} from "../../store/task-lists.ts";
import type { ActionContext, ListFilters, PageRequest } from "../contracts.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import type { Engine } from "../engine.ts";
import { readTimeZone } from "../settings/settings-view.ts";
import type { Page } from "../views.ts";
import { channelScope, viewableChannels, viewFor } from "../visibility.ts";

const filtersSchema = z.object({
  status: z.enum(STATUS_FILTERS).default("live"),
  assigneeId: snowflake.optional(),
  priority: z.enum(PRIORITIES).optional(),
  label: labels.optional(),
  channelId: snowflake.optional(),
  due: z.enum(DUE_FILTERS, { error: `must be one of ${DUE_FILTERS.join(", ")}` }).optional(),
  sort: z.enum(["number", "due"], { error: "must be number or due" }).default("number"),
});

const listCursor = z.union([z.object({ after: z.number().int() }), z.object({ before: z.number().int() })]);
const dueCursor = z.union([
  z.object({ afterDue: z.iso.datetime(), after: z.number().int() }),
  z.object({ beforeDue: z.iso.datetime(), before: z.number().int() }),
]);

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
  const channelIds = filters.channelId ? channelScope(ctx, filters.channelId) : viewableChannels(ctx);
  const window = filters.due ? await dueWindow(engine, guildId, filters.due) : {};
  const query = { guildId, ...filters, ...window, label: filters.label?.[0], channelIds };
  if (filters.sort === "due") return listByDue(engine, ctx, query, page);
  const position: ListPosition = decodeCursor(listCursor, page.cursor);
  const [{ items, more }, counted] = await Promise.all([
    pageTasks(engine.db, query, position, page.limit),
    countTasks(engine.db, query, TOTAL_CAP + 1),
  ]);
  const first = items[0];
  const last = items.at(-1);
  const backwards = position !== null && "before" in position;
  return {
    items: items.map((item) => viewFor(ctx, item)),
    ...cappedTotal(counted),
    nextCursor: last && (backwards || more) ? encodeCursor({ after: last.number }) : null,
    prevCursor:
      first && (backwards ? more : position !== null) ? encodeCursor({ before: first.number }) : null,
  };
}

/** overdue: due before now; today: within today; week: today and the six days after it (server time zone). */
async function dueWindow(
  engine: Engine,
  guildId: string,
  due: DueFilter,
): Promise<Pick<ListQuery, "dueFrom" | "dueBefore">> {
  const now = engine.now();
  if (due === "overdue") return { dueBefore: now };
  const timeZone = await readTimeZone(engine, guildId);
  const today = wallTimeIn(now, timeZone);
  const dayStart = (days: number) =>
    zonedInstant({ ...addDays(today, days), hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
  return { dueFrom: dayStart(0), dueBefore: dayStart(due === "today" ? 1 : 7) };
}

/** Soonest due first, keyset on (due, number). */
async function listByDue(
  engine: Engine,
  ctx: ActionContext,
  query: ListQuery,
  page: { cursor?: string | null; limit: number },
): Promise<Page<TaskView>> {
  const position: DuePosition = decodeCursor(dueCursor, page.cursor);
  const [{ items, more }, counted] = await Promise.all([
    pageTasksByDue(engine.db, query, position, page.limit),
    countTasksWithDue(engine.db, query, TOTAL_CAP + 1),
  ]);
  const first = items[0];
  const last = items.at(-1);
  const backwards = position !== null && "beforeDue" in position;
  return {
    items: items.map((item) => viewFor(ctx, item)),
    ...cappedTotal(counted),
    nextCursor:
      last && (backwards || more) ? encodeCursor({ afterDue: last.dueAt, after: last.number }) : null,
    prevCursor:
      first && (backwards ? more : position !== null)
        ? encodeCursor({ beforeDue: first.dueAt, before: first.number })
        : null,
  };
}

/** Totals past this show as "1,000+": counting every match of a big server costs more than the page. */
export const TOTAL_CAP = 1000;

function cappedTotal(counted: number): { total: number; totalCapped: boolean } {
  return counted > TOTAL_CAP
    ? { total: TOTAL_CAP, totalCapped: true }
    : { total: counted, totalCapped: false };
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
  const { items, matched: counted } = await searchTasks(
    engine.db,
    guildId,
    channelIds,
    text,
    offset,
    page.limit,
    TOTAL_CAP + 1,
  );
  const next = offset + items.length;
  const more = counted > TOTAL_CAP ? items.length === page.limit : next < counted;
  return {
    items: items.map((item) => viewFor(ctx, item)),
    ...cappedTotal(counted),
    nextCursor: more ? encodeCursor({ offset: next }) : null,
    prevCursor: offset > 0 ? encodeCursor({ offset: Math.max(0, offset - page.limit) }) : null,
  };
}
