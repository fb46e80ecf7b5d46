import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCache } from "../../src/cache/create-cache.ts";
import { createMemoryCache } from "../../src/cache/memory-cache.ts";
import type { Cache } from "../../src/cache/types.ts";
import { NotReadyError } from "../../src/discord/delivery/delivery-failure.ts";
import {
  createOutboxDispatcher,
  type OutboxDispatcher,
  type OutboxDispatcherOptions,
} from "../../src/discord/delivery/outbox-dispatcher.ts";
import { silentLogger } from "../../src/log.ts";
import { createDeliveryService } from "../../src/services/delivery/index.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { runMigrations } from "../../src/store/migrate.ts";
import { type ClaimedRow, rowsOf } from "../../src/store/outbox-delivery.ts";
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
} from "../support/test-db.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let testDb: TestDatabase;
let database: Database;
let cache: Cache;
const started: OutboxDispatcher[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openDatabase({ url: testDb.url, log: silentLogger });
  cache = await createCache({ redisUrl: testRedisUrl(), keyPrefix: uniqueRedisPrefix(), log: silentLogger });
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((dispatcher) => dispatcher.stop()));
  await database.db.execute(sql`DELETE FROM outbox`);
});
afterAll(async () => {
  await cache.close();
  await database.close();
  await testDb.drop();
});

function start(options: Partial<OutboxDispatcherOptions> & Pick<OutboxDispatcherOptions, "senders">) {
  const dispatcher = createOutboxDispatcher({
    delivery: createDeliveryService({ database, cache }),
    cache,
    log: silentLogger,
    pollMs: 50,
    ...options,
  });
  started.push(dispatcher);
  return dispatcher;
}

async function enqueue(kind: string, payload: Record<string, unknown>, coalesceKey: string | null = null) {
  const result = await database.db.execute(sql`
    INSERT INTO outbox (guild_id, channel_id, kind, payload, coalesce_key, nonce)
    VALUES ('1', '2', ${kind}, ${JSON.stringify(payload)}::jsonb, ${coalesceKey}, ${`n${Math.random()}`.slice(0, 25)})
    RETURNING id`);
  return Number(rowsOf<{ id: number }>(result)[0]!.id);
}

interface OutboxRowSeen {
  id: number;
  state: string;
  attempts: number;
  last_error: string | null;
  discord_message_id: string | null;
}

async function rows() {
  const result = await database.db.execute(
    sql`SELECT id, state, attempts, last_error, discord_message_id FROM outbox ORDER BY id`,
  );
  return rowsOf<OutboxRowSeen>(result).map((row) => ({ ...row, id: Number(row.id) }));
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await sleep(20);
  }
}

describe("outbox dispatcher (real Postgres, real Redis signals)", () => {
  it("sends a row as soon as it is signalled and records the message id", async () => {
    const sent: number[] = [];
    start({
      pollMs: 60_000,
      senders: {
        note: async (row) => {
          sent.push(row.id);
          return { messageId: `m${row.id}` };
        },
      },
    });
    await sleep(100);
    const id = await enqueue("note", { text: "hi" });
    await cache.signals.publish({ type: "outbox_ready" });
    await until(async () => (await rows())[0]?.state === "sent");
    expect(sent).toEqual([id]);
    expect((await rows())[0]).toMatchObject({ id, state: "sent", discord_message_id: `m${id}`, attempts: 0 });
  });

  it("an empty outbox is polled at the poll interval, not in a busy loop", async () => {
    start({ pollMs: 200, senders: {} });
    await sleep(100);
    const before = database.queryCount();
    await sleep(1_000);
    // About five rounds of (claim + due-time query) in a second; a spinning loop would make thousands.
    const queries = database.queryCount() - before;
    expect(queries).toBeGreaterThan(2);
    expect(queries).toBeLessThan(30);
  });

  it("collapses pending rows of one coalesce key into one send", async () => {
    const first = await enqueue("card", { taskId: 1 }, "card:1");
    await enqueue("card", { taskId: 1 }, "card:1");
    await enqueue("card", { taskId: 1 }, "card:1");
    const other = await enqueue("card", { taskId: 2 }, "card:2");
    const sent: number[] = [];
    const dispatcher = start({
      pollMs: 60_000,
      senders: {
        card: async (row) => {
          sent.push(row.id);
          return { messageId: `card-of-${row.payload.taskId}` };
        },
      },
    });
    await dispatcher.drain();
    expect(sent.sort()).toEqual([first, other]);
    expect((await rows()).map((row) => [row.state, row.discord_message_id])).toEqual([
      ["sent", "card-of-1"],
      ["sent", "card-of-1"],
      ["sent", "card-of-1"],
      ["sent", "card-of-2"],
    ]);
    expect(dispatcher.counts()).toMatchObject({ sent: 2, coalesced: 2 });
  });

  it("a row arriving while its key is being sent waits and is sent after, not alongside", async () => {
    await enqueue("card", { taskId: 1 }, "card:1");
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sender = async () => {
      calls += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (calls === 1) await held;
      inFlight -= 1;
      return { messageId: `m${calls}` };
    };
    start({ senders: { card: sender } });
    start({ senders: { card: sender } });
    await until(async () => calls === 1);
    await enqueue("card", { taskId: 1 }, "card:1");
    await cache.signals.publish({ type: "outbox_ready" });
    await sleep(300);
    expect(calls).toBe(1);
    release();
    await until(async () => (await rows()).every((row) => row.state === "sent"));
    expect(calls).toBe(2);
    expect(maxInFlight).toBe(1);
  });

  it("retries a failing send with growing delays, then parks it as dead with its last error", async () => {
    const times: number[] = [];
    const id = await enqueue("note", {});
    start({
      retry: { baseMs: 100, capMs: 10_000, jitter: 0, maxFailures: 4 },
      senders: {
        note: async () => {
          times.push(Date.now());
          throw new Error(`boom ${times.length}`);
        },
      },
    });
    await until(async () => (await rows())[0]?.state === "dead");
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((time, index) => time - times[index]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
    expect(gaps[2]).toBeGreaterThanOrEqual(400);
    expect((await rows())[0]).toMatchObject({ id, state: "dead", attempts: 4, last_error: "Error: boom 4" });
  });

  it("a sender that is not ready yet backs off, then sends once it is", async () => {
    let calls = 0;
    await enqueue("note", {});
    const dispatcher = start({
      senders: {
        note: async () => {
          calls += 1;
          if (calls < 3) throw new NotReadyError("bot user unknown", 50);
          return { messageId: "m" };
        },
      },
    });
    await until(async () => (await rows())[0]?.state === "sent");
    expect((await rows())[0]).toMatchObject({ attempts: 2 });
    expect(dispatcher.counts()).toMatchObject({ sent: 1, dead: 0 });
  });

  it("a row that is never ready (a card placeholder nobody finishes) backs off and is parked, not polled forever", async () => {
    const times: number[] = [];
    const id = await enqueue("note", {});
    const dispatcher = start({
      retry: { maxFailures: 4, jitter: 0 },
      senders: {
        note: async () => {
          times.push(Date.now());
          throw new NotReadyError("another poster is posting this card", 50);
        },
      },
    });
    await until(async () => (await rows())[0]?.state === "dead", 10_000);
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((time, index) => time - times[index]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(50);
    expect(gaps[1]).toBeGreaterThanOrEqual(100);
    expect(gaps[2]).toBeGreaterThanOrEqual(200);
    expect((await rows())[0]).toMatchObject({ id, state: "dead", attempts: 4 });
    expect(dispatcher.counts()).toMatchObject({ sent: 0, dead: 1 });
  });

  it("an unknown kind is parked as dead at once", async () => {
    await enqueue("mystery", {});
    const dispatcher = start({ pollMs: 60_000, senders: {} });
    await dispatcher.drain();
    expect((await rows())[0]).toMatchObject({
      state: "dead",
      last_error: 'no sender for outbox kind "mystery"',
    });
  });

  it("four instances over 200 rows send each exactly once", async () => {
    const ids: number[] = [];
    for (let index = 0; index < 200; index += 1) ids.push(await enqueue("note", { index }));
    const sent: number[] = [];
    const sender = async (row: ClaimedRow) => {
      sent.push(row.id);
      await sleep(Math.random() * 5);
      return { messageId: `m${row.id}` };
    };
    for (let index = 0; index < 4; index += 1) start({ batchSize: 5, senders: { note: sender } });
    await until(async () => (await rows()).every((row) => row.state === "sent"), 20_000);
    expect(sent.sort((a, b) => a - b)).toEqual(ids);
  });

  it("a claim abandoned by a dead instance comes due again after the claim time", async () => {
    await enqueue("note", {});
    let abandoned: string | undefined;
    const sent: string[] = [];
    const dead = start({
      claimMs: 300,
      senders: {
        note: async (row) => {
          abandoned = row.nonce;
          return new Promise(() => {}); // this instance "dies" mid-send: never answers
        },
      },
    });
    await until(async () => abandoned !== undefined);
    started.splice(started.indexOf(dead), 1); // its loop is stuck for good; leave it behind
    expect((await rows())[0]?.state).toBe("pending");
    start({
      claimMs: 300,
      senders: {
        note: async (row) => {
          sent.push(row.nonce);
          return { messageId: "m" };
        },
      },
    });
    await until(async () => (await rows())[0]?.state === "sent");
    // The row the dead instance held, sent once, with its nonce (so Discord would dedupe a late send).
    expect(sent).toEqual([abandoned]);
  });
});

describe("outbox dispatcher on the embedded default (PGlite, in-process cache)", () => {
  it("claims, coalesces, retries and sends with the same SQL", async () => {
    const embedded = await openDatabase({ dataDir: "memory://", log: silentLogger });
    await runMigrations(embedded);
    const memory = createMemoryCache({ log: silentLogger });
    try {
      const insert = (kind: string, key: string | null) =>
        embedded.db.execute(sql`
          INSERT INTO outbox (guild_id, channel_id, kind, payload, coalesce_key, nonce)
          VALUES ('1', '2', ${kind}, '{}'::jsonb, ${key}, ${`n${Math.random()}`.slice(0, 25)})`);
      await insert("card", "card:1");
      await insert("card", "card:1");
      await insert("note", null);
      let failedOnce = false;
      const sent: string[] = [];
      const dispatcher = createOutboxDispatcher({
        delivery: createDeliveryService({ database: embedded, cache: memory }),
        cache: memory,
        log: silentLogger,
        pollMs: 20,
        retry: { baseMs: 20, jitter: 0 },
        senders: {
          card: async (row) => {
            sent.push(`card ${row.id}`);
            return { messageId: "c" };
          },
          note: async (row) => {
            if (!failedOnce) {
              failedOnce = true;
              throw new Error("flaky");
            }
            sent.push(`note ${row.id}`);
            return { messageId: "n" };
          },
        },
      });
      await until(async () => {
        const result = await embedded.db.execute(
          sql`SELECT count(*)::int AS n FROM outbox WHERE state = 'sent'`,
        );
        return rowsOf<{ n: number }>(result)[0]?.n === 3;
      });
      await dispatcher.stop();
      expect(sent).toEqual(["card 1", "note 3"]);
    } finally {
      await memory.close();
      await embedded.close();
    }
  }, 60_000);
});
