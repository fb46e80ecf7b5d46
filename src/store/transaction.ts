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

/** lock_not_available (lock_timeout): tried once more, then the caller is told it is busy. */
const LOCK_TIMEOUT = "55P03";

/** One transaction; run again (from the start) when Postgres aborted it for a deadlock or a lock timeout. */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>, attempts = 3): Promise<T> {
  return retried(() => db.transaction(work), attempts);
}

/** `run` (a transaction, or one statement on its own), run again the way inTransaction runs one. */
export async function retried<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      const code = pgErrorCode(error);
      const retryable = code !== undefined && (RETRYABLE.has(code) || (code === LOCK_TIMEOUT && attempt < 2));
      if (attempt >= attempts || !retryable) throw error;
    }
  }
}

/** SQLSTATEs meaning the server went away or is not accepting this session now. */
const CONNECTION_CODES = new Set(["57P01", "57P02", "57P03", "53300"]);
const CONNECTION_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);
const CONNECTION_MESSAGES =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable|Cannot use a pool after calling end/;

/** "busy": a lock or statement timeout; "unavailable": the connection failed; null: anything else. */
export function classifyDatabaseFault(error: unknown): "busy" | "unavailable" | null {
  const code = pgErrorCode(error);
  if (code === LOCK_TIMEOUT || code === "57014") return "busy";
  if (code && (CONNECTION_CODES.has(code) || code.startsWith("08"))) return "unavailable";
  for (
    let current = error;
    current && typeof current === "object";
    current = (current as { cause?: unknown }).cause
  ) {
    const { code: errno, message } = current as { code?: unknown; message?: unknown };
    if (typeof errno === "string" && CONNECTION_ERRNOS.has(errno)) return "unavailable";
    if (typeof message === "string" && CONNECTION_MESSAGES.test(message)) return "unavailable";
  }
  return null;
}
