import { createHash } from "node:crypto";
import type { Cache } from "../cache/types.ts";
import type { ListFilters } from "../services/types.ts";

/** What a list shows; stored, because a search query or a label would not fit in a 100-char custom_id. */
export type ListQuery =
  | { kind: "tasks"; title: string; filters: ListFilters; empty: string }
  | { kind: "search"; query: string }
  | { kind: "queue"; channelId: string }
  | { kind: "history"; number: number };

export interface ListPage {
  query: ListQuery;
  guildId: string;
  /** Only the person who ran the command pages through it. */
  userId: string;
  cursor: string | null;
  /** 1-based, for "page 2 of 5". */
  pageNumber: number;
  /** The page before this one (keyset cursors only go forward). */
  previousToken: string | null;
}

/** Interaction tokens last 15 minutes; a list's pages outlive them a little so a late click is explained. */
const PAGE_TTL_SECONDS = 30 * 60;
const key = (token: string) => `discord:list-page:${token}`;

/**
 * Stores one reachable page and returns the token its button carries. The token is a digest of the page,
 * so saving the same page twice yields the same button.
 */
export async function savePage(cache: Cache, page: ListPage): Promise<string> {
  const token = createHash("sha256").update(JSON.stringify(page)).digest("base64url").slice(0, 22);
  await cache.views.set(key(token), page, PAGE_TTL_SECONDS);
  return token;
}

/** undefined when expired, evicted, or the cache is unavailable. */
export async function loadPage(cache: Cache, token: string): Promise<ListPage | undefined> {
  return cache.views.get<ListPage>(key(token));
}
