import { createHash } from "node:crypto";
import { LruTtlMap } from "../cache/lru-ttl-map.ts";
import type { Cache } from "../cache/types.ts";
import type { ListFilters } from "../services/contracts.ts";

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

export interface PageStore {
  /** Stores one reachable page and returns the token its button carries. */
  save(page: ListPage): Promise<string>;
  /**
   * Stores a page and the next one, which links back to it (its `previousToken`), in one cache round
   * trip; returns the next page's token.
   */
  saveWithNext(page: ListPage, next: Omit<ListPage, "previousToken">): Promise<string>;
  /** undefined when expired or evicted everywhere. */
  load(token: string): Promise<ListPage | undefined>;
}

/**
 * Pages live in this process (a guild's interactions reach the same shard, so usually the same
 * instance) and in the shared cache (any instance); either answers. Losing both only expires a list.
 * The token is a digest of the page, so saving the same page twice yields the same button.
 */
export function createPageStore(cache: Cache, now: () => number = Date.now): PageStore {
  const local = new LruTtlMap<ListPage>(10_000, now);
  const tokenOf = (page: ListPage) =>
    createHash("sha256").update(JSON.stringify(page)).digest("base64url").slice(0, 22);
  /** Kept here at once; the shared copy is the returned promise. */
  const store = (page: ListPage): { token: string; stored: Promise<void> } => {
    const token = tokenOf(page);
    local.set(token, page, PAGE_TTL_SECONDS * 1000);
    return { token, stored: cache.views.set(key(token), page, PAGE_TTL_SECONDS) };
  };
  return {
    async save(page) {
      const { token, stored } = store(page);
      await stored;
      return token;
    },
    async saveWithNext(page, next) {
      const own = store(page);
      const following = store({ ...next, previousToken: own.token });
      await Promise.all([own.stored, following.stored]);
      return following.token;
    },
    async load(token) {
      return local.get(token) ?? (await cache.views.get<ListPage>(key(token)));
    },
  };
}
