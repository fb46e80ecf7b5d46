import type { Tx } from "../store/database.ts";
import { inTransaction } from "../store/transaction.ts";
import { applyEffects, Effects } from "./effects.ts";
import type { Engine } from "./engine.ts";

/**
 * One transaction (run again from scratch after a deadlock, with fresh effects) whose cache
 * invalidations, gate updates and signals are applied only once it has committed.
 */
export async function mutate<T>(
  engine: Engine,
  guildId: string,
  work: (tx: Tx, effects: Effects) => Promise<T>,
): Promise<T> {
  let effects = new Effects(guildId);
  const result = await inTransaction(engine.db, (tx) => {
    effects = new Effects(guildId);
    return work(tx, effects);
  });
  await applyEffects(engine, effects);
  return result;
}

/**
 * A change made by one statement on its own (autocommit) instead of a transaction: `work` runs it
 * (run again after a deadlock) and collects its effects, applied only once it has committed.
 */
export async function mutateAlone<T>(
  engine: Engine,
  guildId: string,
  work: (effects: Effects) => Promise<T>,
): Promise<T> {
  const effects = new Effects(guildId);
  const result = await work(effects);
  await applyEffects(engine, effects);
  return result;
}
