import type { Db, Tx } from "./database.ts";

/** deadlock_detected, serialization_failure: the whole transaction may simply run again. */
const RETRYABLE = new Set(["40P01", "40001"]);

/** The SQLSTATE of a database error, through drizzle's wrapping. */
export function pgErrorCode(error: unknown): string | undefined {
  for (
    let current = error;
    current && typeof current === "object";
    current = (current as { cause?: unknown }).cause
  ) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** One transaction; run again (from the start) when Postgres aborted it for a deadlock. */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction(work);
    } catch (error) {
      const code = pgErrorCode(error);
      if (attempt >= attempts || !code || !RETRYABLE.has(code)) throw error;
    }
  }
}
