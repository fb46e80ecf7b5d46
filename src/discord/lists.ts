import type { APIEmbed } from "discord.js";
import type { TaskView } from "../domain/task-view.ts";
import type { Page } from "../services/views.ts";
import type { HandlerContext } from "./handler-types.ts";
import type { ListPage } from "./list-pages.ts";
import { channelMention, titleText } from "./render/format.ts";
import { fitButtonRows } from "./render/limits.ts";
import { pagingButtons } from "./render/paging.ts";
import { renderHistory } from "./render/task-history.ts";
import { renderTaskList } from "./render/task-list.ts";
import type { ReplyBody } from "./respond.ts";

export const PAGE_SIZE = 10;
export const HISTORY_PAGE_SIZE = 15;

interface Fetched {
  embed: APIEmbed;
  nextCursor: string | null;
}

/**
 * Runs the page's query and renders it with Previous/Next. Next is a new stored page that remembers
 * this one as its previous, so paging back needs no backward cursor from the service.
 */
export async function renderListPage(
  ctx: HandlerContext,
  page: ListPage,
  token?: string,
): Promise<ReplyBody> {
  const fetched = await fetchPage(ctx, page);
  let next: string | null = null;
  if (fetched.nextCursor) {
    const following = { ...page, cursor: fetched.nextCursor, pageNumber: page.pageNumber + 1 };
    next = token
      ? await ctx.pages.save({ ...following, previousToken: token })
      : await ctx.pages.saveWithNext(page, following);
  }
  return { embeds: [fetched.embed], components: fitButtonRows(pagingButtons(page.previousToken, next)) };
}

async function fetchPage(ctx: HandlerContext, page: ListPage): Promise<Fetched> {
  const { tasks } = ctx.services;
  const request = { cursor: page.cursor, limit: PAGE_SIZE };
  const { query, pageNumber } = page;
  const reader = ctx.action;
  switch (query.kind) {
    case "tasks": {
      const result = await tasks.list(reader, query.filters, request);
      return listed(result, { title: query.title, empty: query.empty, pageNumber });
    }
    case "search": {
      const result = await tasks.search(reader, query.query, request);
      return listed(result, {
        title: `Search: ${titleText(query.query)}`,
        empty: "No task matches.",
        pageNumber,
      });
    }
    case "queue": {
      const queue = await tasks.queue(reader, query.channelId, request);
      const limit = queue.limit === null ? "no limit" : `limit ${queue.limit}`;
      const embed = renderTaskList({
        title: "Queue",
        summary: `${channelMention(queue.channelId)}: ${queue.liveCount} live / ${limit}. Open tasks, next first:`,
        items: queue.items,
        pageNumber,
        pageSize: PAGE_SIZE,
        empty: "The queue is empty.",
      });
      return { embed, nextCursor: queue.nextCursor ?? null };
    }
    case "history": {
      const [task, events] = await Promise.all([
        tasks.get(reader, query.number),
        tasks.history(reader, query.number, { cursor: page.cursor, limit: HISTORY_PAGE_SIZE }),
      ]);
      const embed = renderHistory(task, events.items, events.total, pageNumber, HISTORY_PAGE_SIZE);
      return { embed, nextCursor: events.nextCursor };
    }
  }
}

function listed(result: Page<TaskView>, view: { title: string; empty: string; pageNumber: number }): Fetched {
  const embed = renderTaskList({
    title: view.title,
    items: result.items,
    total: result.total,
    totalCapped: result.totalCapped ?? false,
    pageNumber: view.pageNumber,
    pageSize: PAGE_SIZE,
    empty: view.empty,
  });
  return { embed, nextCursor: result.nextCursor };
}
