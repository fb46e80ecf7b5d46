import { sql } from "drizzle-orm";
import type { Tx } from "./database.ts";
import { queryRows } from "./raw.ts";

/**
 * The next #number of a guild. The upsert row-locks the guild's counter until the transaction ends,
 * so concurrent creates take turns and a rolled-back create gives its number back: no gaps, no duplicates.
 */
export async function nextTaskNumber(tx: Tx, guildId: string): Promise<number> {
  const rows = await queryRows<{ last_number: number }>(
    tx,
    sql`
    INSERT INTO guild_counters (guild_id, last_number) VALUES (${guildId}, 1)
    ON CONFLICT (guild_id) DO UPDATE SET last_number = guild_counters.last_number + 1
    RETURNING last_number`,
  );
  return Number(rows[0]!.last_number);
}
