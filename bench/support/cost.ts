import type { Database } from "../../src/store/database.ts";
import type { ResultRow } from "../types.ts";

/**
 * What one operation costs the process running the engine, independent of the machine's load:
 * SQL statements sent (drizzle's count) and Node CPU time. Appended to the row's note.
 */
export async function withCost(database: Database, measure: () => Promise<ResultRow>): Promise<ResultRow> {
  const statements = database.queryCount();
  const cpu = process.cpuUsage();
  const row = await measure();
  const used = process.cpuUsage(cpu);
  const operations = row.latency?.count ?? 0;
  if (operations === 0) return row;
  const perOperation = (database.queryCount() - statements) / operations;
  const cpuMs = (used.user + used.system) / 1000 / operations;
  const cost = `${perOperation.toFixed(1)} statements/op, ${cpuMs.toFixed(2)} ms Node CPU/op`;
  return { ...row, note: row.note ? `${row.note}; ${cost}` : cost };
}
