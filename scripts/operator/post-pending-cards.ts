import { sql } from "drizzle-orm";
import { createApp } from "../../src/app.ts";
import { queryRows } from "../../src/store/raw.ts";
import { fail, type Operator } from "./open-operator.ts";

const GIVE_UP_MS = 120_000;

/** --post: runs the bot (no HTTP server) until the guild's pending outbox is delivered, then stops it. */
export async function postPendingCards(
  operator: Operator,
  guildId: string,
): Promise<{ sent: number; pending: number }> {
  if (!operator.config.DISCORD_TOKEN) fail("--post needs DISCORD_TOKEN: the bot posts the cards.");
  const pending = async () => {
    const rows = await queryRows<{ n: number }>(
      operator.database.db,
      sql`SELECT count(*)::int AS n FROM outbox WHERE guild_id = ${guildId} AND state = 'pending'`,
    );
    return Number(rows[0]?.n ?? 0);
  };
  const before = await pending();
  const app = await createApp({
    config: operator.config,
    log: operator.log,
    database: operator.database,
    cache: operator.cache,
    http: false,
  });
  await app.start();
  const deadline = Date.now() + GIVE_UP_MS;
  let left = before;
  while (left > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = await pending();
  }
  await app.stop();
  return { sent: before - left, pending: left };
}
