import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.ts";
import { createCache } from "../../src/cache/create-cache.ts";
import type { Cache } from "../../src/cache/types.ts";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/log.ts";
import { systemReader } from "../../src/services/actors.ts";
import { testRedisUrl } from "../support/test-db.ts";
import { type AgentWorld, startAgentWorld, until as untilDefault } from "./agent-world.ts";

/** Patient under a loaded machine (the suite shares two cores): what is awaited still has to happen. */
const until = <T>(probe: () => T | undefined | false | Promise<T | undefined | false>) =>
  untilDefault(probe, 20_000);
let world: AgentWorld;
let second: App;
let secondCache: Cache;

const DELIVERY = { pollMs: 100, retry: { baseMs: 100, capMs: 2_000, jitter: 0.2, maxFailures: 12 } };

beforeAll(async () => {
  world = await startAgentWorld();
  // A second bot instance: its own gateway session, pool, Redis connection and outbox dispatcher,
  // sharing the database, the Redis keys and the stand-in with the first (a rolling deploy).
  secondCache = await createCache({
    redisUrl: testRedisUrl(),
    keyPrefix: world.redisPrefix,
    log: silentLogger,
  });
  second = await createApp({
    config: loadConfig({
      DISCORD_TOKEN: "agent-test-token",
      DISCORD_API_URL: world.discord.apiUrl,
      DATABASE_URL: world.testDb.url,
      LOG_LEVEL: "silent",
    }),
    log: silentLogger,
    cache: secondCache,
    http: false,
    skipMigrations: true,
    delivery: DELIVERY,
    jobs: { intervalMs: 200 },
  });
  await second.start();
  await until(() => world.discord.gateway.sessions().filter((session) => session.ready).length >= 2);
  await world.slash("alice", "tasklane", "config", { threads: true });
}, 60_000);
afterAll(async () => {
  await second?.stop().catch(() => undefined);
  await secondCache?.close();
  await world?.stop();
});

describe("threads with two instances (one stand-in, one Postgres, one Redis)", () => {
  it("opens exactly one thread per card, while the comments that need it race the thread row", async () => {
    const count = 8;
    // Discord answers thread starts slowly here: the comments' own openers are in flight at the same time.
    const slow = world.discord.injectFault({
      method: "POST",
      route: "/channels/:channelId/messages/:messageId/threads",
      delayMs: 500,
      forMs: 20_000,
    });
    const cards = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        world.slash("alice", "task", "create", { title: `Race ${index + 1}` }),
      ),
    );
    // The card, or under load a deferred create's "Created **#N**; its card is on its way".
    const numbers = cards.map((card) =>
      Number(/#(\d+)/.exec(card.content + JSON.stringify(card.embeds))?.[1]),
    );
    expect(new Set(numbers).size).toBe(count);
    // Each comment's row may reach the other instance before the thread row is done: both open the thread.
    await Promise.all(
      numbers.map((number) =>
        world.slash("bob", "task", "comment", { task: number, text: `note on ${number}` }),
      ),
    );

    for (const [index, card] of cards.entries()) {
      const thread = await until(() => world.discord.threadOf(card));
      expect(thread.name).toBe(`#${numbers[index]} · Race ${index + 1}`);
      const comment = await until(() =>
        world.discord
          .channelMessages(thread.id)
          .find((message) => message.content.includes(`note on ${numbers[index]}`)),
      );
      expect(
        world.discord.channelMessages(thread.id).filter((m) => m.content === comment.content),
      ).toHaveLength(1);
      const task = await world.app.services.tasks.get(
        systemReader(world.discord.guild().id),
        numbers[index]!,
      );
      expect(await world.app.services.cards.thread(task.id)).toMatchObject({
        state: "open",
        threadId: card.id,
      });
    }
    slow.remove();
    // Discord started one thread per card; every second opener was told 160004 and used the same thread.
    const starts = world.discord.requests.find({
      method: "POST",
      route: "/channels/:channelId/messages/:messageId/threads",
    });
    expect(starts.filter((request) => request.status === 201)).toHaveLength(count);
    // Whether an opener lost the race this run depends on timing; a loser was told 160004, nothing else.
    for (const request of starts.filter((r) => r.status !== 201))
      expect(request.response).toMatchObject({ code: 160004 });
    // Every thread and comment row is done, none dead (a thread row whose start was slowed may still be
    // on its way to its 160004 when the comment's own opener has already opened the thread).
    await until(async () => {
      const pending = await world.app.database.db.execute(
        sql`SELECT id FROM outbox WHERE state = 'pending' AND kind IN ('thread', 'comment')`,
      );
      return (pending as unknown as { rows: unknown[] }).rows.length === 0;
    });
    const dead = await world.app.database.db.execute(sql`SELECT id FROM outbox WHERE state = 'dead'`);
    expect((dead as unknown as { rows: unknown[] }).rows).toEqual([]);
  }, 90_000);
});
