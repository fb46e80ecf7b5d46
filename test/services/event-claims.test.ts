import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisCache } from "../../src/cache/redis-cache.ts";
import type { Cache } from "../../src/cache/types.ts";
import { silentLogger } from "../../src/log.ts";
import type { EventService } from "../../src/services/contracts.ts";
import { createEventService } from "../../src/services/events/index.ts";
import { DRIVERS, type Harness, openHarness, useHarness } from "./support/harness.ts";
import { newScene, snowflake } from "./support/scene.ts";

describe.each(DRIVERS)("each gateway event claimed once (%s)", (driver) => {
  const h = useHarness(driver);
  let events: EventService;
  beforeAll(async () => {
    events = createEventService({
      database: h.database,
      cache: h.cache,
      log: silentLogger,
      now: h.clock.now,
    });
  });

  it("the first claim of an id wins, every later one loses, ids do not interfere", async () => {
    const id = snowflake();
    expect(await events.claim(id)).toBe(true);
    expect(await events.claim(id)).toBe(false);
    expect(await events.claim(id)).toBe(false);
    expect(await events.claim(snowflake())).toBe(true);
  });

  it("racing claims of one id by many instances: exactly one wins", async () => {
    const instances = Array.from({ length: 6 }, () =>
      createEventService({ database: h.database, cache: h.cache, log: silentLogger }),
    );
    const id = snowflake();
    const wins = await Promise.all(instances.map((instance) => instance.claim(id)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it("a burst of claims at once, on two instances, some ids twice: each id is won exactly once and recorded", async () => {
    const other = createEventService({ database: h.database, cache: h.cache, log: silentLogger });
    const ids = Array.from({ length: 40 }, () => snowflake());
    const asked = [...ids, ...ids.slice(0, 10)].flatMap((id) => [
      { id, claim: events.claim(id) },
      { id, claim: other.claim(id) },
    ]);
    const wins = new Map<string, number>();
    for (const { id, claim } of asked) if (await claim) wins.set(id, (wins.get(id) ?? 0) + 1);
    expect([...wins.keys()].sort()).toEqual([...ids].sort());
    expect([...wins.values()].every((n) => n === 1)).toBe(true);
    if (driver !== "pglite") {
      const rows = await h.rows<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM handled_events WHERE event_id IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
      expect(rows[0]!.n).toBe(ids.length);
    }
  });

  it("an interaction delivered twice (or racing itself) creates one task: its id is the create's key", async () => {
    const s = await newScene(h);
    const eventId = snowflake();
    const ctx = { ...s.ctx(s.member), eventId };
    const [first, second] = await Promise.all([
      h.tasks.create(ctx, { title: "Only once" }),
      h.tasks.create(ctx, { title: "Only once" }),
    ]);
    const again = await h.tasks.create(ctx, { title: "Only once" });
    expect(second.number).toBe(first.number);
    expect(again.number).toBe(first.number);
    const rows = await h.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM tasks WHERE guild_id = ${s.guildId} AND title = 'Only once'`,
    );
    expect(rows[0]!.n).toBe(1);
    const other = await h.tasks.create({ ...s.ctx(s.member), eventId: snowflake() }, { title: "Only once" });
    expect(other.number).not.toBe(first.number);
  });

  it("prunes claims older than an hour and outbox rows sent more than 7 days ago, keeping the rest", async () => {
    const old = snowflake();
    const recent = snowflake();
    await h.rows(sql`INSERT INTO handled_events (event_id, handled_at) VALUES
      (${old}, now() - interval '2 hours'), (${recent}, now())`);
    await h.rows(sql`INSERT INTO outbox (guild_id, channel_id, kind, nonce, state, sent_at) VALUES
      ('1', '1', 'announcement', 'old-sent', 'sent', now() - interval '8 days'),
      ('1', '1', 'announcement', 'new-sent', 'sent', now() - interval '6 days'),
      ('1', '1', 'announcement', 'old-dead', 'dead', now() - interval '8 days')`);
    const pruned = await events.prune();
    expect(pruned).toMatchObject({ handledEvents: 1, sentOutbox: 1 });
    const left = await h.rows<{ event_id: string }>(
      sql`SELECT event_id FROM handled_events WHERE event_id IN (${old}, ${recent})`,
    );
    expect(left.map((row) => row.event_id)).toEqual([recent]);
    const nonces = await h.rows<{ nonce: string }>(
      sql`SELECT nonce FROM outbox WHERE nonce IN ('old-sent', 'new-sent', 'old-dead') ORDER BY nonce`,
    );
    expect(nonces.map((row) => row.nonce)).toEqual(["new-sent", "old-dead"]);
  });
});

describe("claims when instances disagree about Redis (postgres)", () => {
  let h: Harness;
  let unreachable: Cache;
  beforeAll(async () => {
    h = await openHarness("postgres");
    // An instance whose Redis does not answer (its breaker is open): it claims in Postgres.
    unreachable = await createRedisCache({
      url: "redis://127.0.0.1:1",
      log: silentLogger,
      startupWaitMs: 50,
      probeIntervalMs: 60_000,
    });
  });
  afterAll(async () => {
    await unreachable?.close();
    await h?.close();
  });

  it("one instance without Redis and one with it never both win the same event", async () => {
    const withoutRedis = createEventService({ database: h.database, cache: unreachable, log: silentLogger });
    const withRedis = createEventService({ database: h.database, cache: h.cache, log: silentLogger });
    for (let round = 0; round < 20; round += 1) {
      const id = snowflake();
      const [a, b] = await Promise.all([withoutRedis.claim(id), withRedis.claim(id)]);
      expect([a, b].filter(Boolean), `event ${id}`).toHaveLength(1);
    }
  });

  it("with Postgres gone too, the claim says so in words (try again), not as a bug", async () => {
    const { openDatabase } = await import("../../src/store/database.ts");
    const deadDb = await openDatabase({ url: "postgres://postgres@127.0.0.1:1/none", log: silentLogger });
    const stranded = createEventService({ database: deadDb, cache: unreachable, log: silentLogger });
    await expect(stranded.claim(snowflake())).rejects.toMatchObject({
      code: "unavailable",
      message: "Tasklane lost its database connection for a moment; try again in a few seconds.",
    });
    await deadDb.close();
  });
});
