import type { SQL } from "drizzle-orm";
import type { Database } from "../../../src/store/database.ts";

/**
 * Holds the rows `lockQuery` locks in a transaction of its own for `ms` (another instance's change stuck before
 * its commit). Resolves once the lock is taken; `released` settles when the holder has committed.
 */
export async function holdRowsFor(
  database: Database,
  lockQuery: SQL,
  ms: number,
): Promise<{ released: Promise<void> }> {
  let locked: () => void = () => undefined;
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const released = database.db.transaction(async (tx) => {
    await tx.execute(lockQuery);
    locked();
    await new Promise((resolve) => setTimeout(resolve, ms));
  });
  await isLocked;
  return { released };
}
