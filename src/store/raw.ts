import { type SQL, sql } from "drizzle-orm";
import type { Queryable } from "./database.ts";
import { LIVE_STATUSES } from "./schema.ts";

/**
 * Raw query results (db.execute) come back with Postgres's text for timestamps ("2030-01-01 12:00:00+00")
 * and, depending on the driver, json as text or parsed. These read them the same way on pg and PGlite.
 */
export function toIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const text = String(value)
    .replace(" ", "T")
    .replace(/([+-]\d{2})$/, "$1:00");
  return new Date(text).toISOString();
}

export function fromJson<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

/** Rows of a raw statement (both drivers answer `{ rows }`; the Db type leaves the shape open). */
export async function queryRows<T extends Record<string, unknown>>(q: Queryable, query: SQL): Promise<T[]> {
  const result = (await q.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** An injected clock's time, else the database's (no sub-millisecond gap with rows it stamped). */
export function sqlNow(now?: () => Date): SQL {
  return now ? sql`${now().toISOString()}::timestamptz` : sql`now()`;
}

/** The live statuses as an SQL list, for `status IN ${LIVE_LIST}`. */
export const LIVE_LIST = sql.raw(`(${LIVE_STATUSES.map((status) => `'${status}'`).join(", ")})`);
