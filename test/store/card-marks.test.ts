import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/store/database.ts";
import {
  findCard,
  markCardRendered,
  recordCardMessage,
  SHOWN_BY_CLICK,
} from "../../src/store/task-messages.ts";
import { insertBareTask, migratedDatabaseDrivers } from "../support/blank-databases.ts";

// A click's mark (markCardRendered) is one statement: it records the version on the live card, settles
// that card's pending outbox rows up to it, and hands back the version it replaced (given back if the
// click's edit fails), so a click no longer reads the card first.

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function pendingCardRows(database: Database, taskId: number) {
  const rows = await database.db.execute<{ version: number; state: string; note: string | null }>(sql`
    SELECT (payload->>'version')::int AS version, state, last_error AS note FROM outbox
    WHERE task_id = ${taskId} AND kind = 'card' ORDER BY version`);
  return rows.rows.map((row) => ({ ...row, version: Number(row.version) }));
}

describe.each(migratedDatabaseDrivers(cleanups))("a click's card mark on $driver", ({ open }) => {
  it("answers marked with the version it replaced, newer, or not_live, and settles only what it shows", async () => {
    const database = await open();
    const { db } = database;
    const taskId = await insertBareTask(database, 1);
    const other = await insertBareTask(database, 2);
    expect(await markCardRendered(db, other, "m-2", 1)).toEqual({
      outcome: "not_live",
      previousVersion: null,
    });

    await recordCardMessage(db, { taskId, channelId: "2", messageId: "m-1", renderedVersion: 1 });
    for (const version of [2, 3])
      await db.execute(sql`INSERT INTO outbox (guild_id, channel_id, task_id, kind, nonce, payload)
        VALUES ('1', '2', ${taskId}, 'card', ${`card-${version}`}, ${JSON.stringify({ version })}::jsonb)`);

    expect(await markCardRendered(db, taskId, "m-1", 2)).toEqual({ outcome: "marked", previousVersion: 1 });
    expect((await findCard(db, taskId))?.renderedVersion).toBe(2);
    expect(await pendingCardRows(database, taskId)).toEqual([
      { version: 2, state: "sent", note: SHOWN_BY_CLICK },
      { version: 3, state: "pending", note: null },
    ]);
    // The same version again (a stale card refreshed to what is recorded) is still marked.
    expect(await markCardRendered(db, taskId, "m-1", 2)).toEqual({ outcome: "marked", previousVersion: 2 });
    // An older version than the recorded one: show the newer instead, nothing recorded.
    expect(await markCardRendered(db, taskId, "m-1", 1)).toEqual({ outcome: "newer", previousVersion: 2 });
    // Another message (a /task view copy) is not the live card.
    expect(await markCardRendered(db, taskId, "copy", 3)).toEqual({
      outcome: "not_live",
      previousVersion: 2,
    });
    expect((await findCard(db, taskId))?.renderedVersion).toBe(2);
    expect((await pendingCardRows(database, taskId))[1]!.state).toBe("pending");
  });
});
