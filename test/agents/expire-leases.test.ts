import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.ts";
import { actorEverywhere, systemReader } from "../../src/services/actors.ts";
import type { ActionContext } from "../../src/services/contracts.ts";
import { expireLeases, LEASE_EXPIRED_REASON } from "../../src/services/jobs/expire-leases.ts";
import { DRIVERS, type Harness, openHarness } from "../services/support/harness.ts";

const GUILD = "100000000000000001";
const CHANNEL = "100000000000000002";
const ADMIN = "100000000000000003";
const AGENT = "100000000000000004";
const BOT = "100000000000000005";

const as = (userId: string, isBot = false): ActionContext => ({
  guildId: GUILD,
  channelId: CHANNEL,
  actor: actorEverywhere({ userId, permissions: ["manage_guild", "manage_channels"], isBot }),
  source: isBot ? "mention" : "slash",
});

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Opens the test's harness and remembers it for closing. */
async function open(...args: Parameters<typeof openHarness>): Promise<Harness> {
  harness = await openHarness(...args);
  return harness;
}

async function startedTasks(h: Harness, count: number): Promise<number[]> {
  await h.settings.update(as(ADMIN), { maxAttempts: 3, leaseMinutes: 30 });
  await h.agents.add(as(ADMIN), { userId: AGENT, maxConcurrent: 50 });
  const numbers: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const task = await h.tasks.create(as(ADMIN), { title: `Lease ${index}` });
    await h.tasks.transition(as(ADMIN), { number: task.number, action: "assign", assigneeId: AGENT });
    await h.tasks.transition(as(AGENT, true), { number: task.number, action: "start" });
    numbers.push(task.number);
  }
  return numbers;
}

const run = (h: Harness) =>
  expireLeases({
    database: h.database,
    tasks: h.tasks,
    log: silentLogger,
    systemUserId: () => BOT,
    now: h.clock.now,
  });

describe.each(DRIVERS)("lease expiry job (%s)", (driver) => {
  it("does nothing before the lease ends; after it, counts one failed attempt per task even with several instances at once", async () => {
    const h = await open(driver, { retry: { baseMs: 1_000, jitter: 0 } });
    // PGlite is one slow connection: fewer tasks there, the same race.
    const count = driver === "postgres" ? 12 : 4;
    const numbers = await startedTasks(h, count);
    expect(await run(h)).toBe(0);

    h.clock.advance(31 * 60_000);
    const counted = await Promise.all([run(h), run(h), run(h), run(h)]);
    expect(counted.reduce((sum, n) => sum + n, 0)).toBe(count);
    expect(await run(h)).toBe(0);

    for (const number of numbers) {
      const task = await h.tasks.get(systemReader(GUILD), number);
      expect(task).toMatchObject({ status: "open", attempts: 1, assigneeId: AGENT, leaseExpiresAt: null });
      const history = await h.tasks.history(systemReader(GUILD), number);
      const failures = history.items.filter((event) => event.kind === "failed");
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ actorId: BOT, source: "system" });
      expect(JSON.stringify(failures[0]!.details)).toContain(LEASE_EXPIRED_REASON);
    }
    const [outbox] = await h.rows<{ retries: number; assignments: number }>(sql`
      SELECT count(*) FILTER (WHERE kind = 'announcement')::int AS retries,
             count(*) FILTER (WHERE kind = 'assignment' AND (payload->>'attempt')::int = 2)::int AS assignments
      FROM outbox`);
    expect(outbox).toEqual({ retries: count, assignments: count });
  }, 60_000);

  it("progress renews the lease, so a live agent is not failed", async () => {
    const h = await open(driver);
    const [number] = await startedTasks(h, 1);
    h.clock.advance(20 * 60_000);
    await h.tasks.progress(as(AGENT, true), number!, "still crawling");
    h.clock.advance(20 * 60_000);
    expect(await run(h)).toBe(0);
    expect(await h.tasks.get(systemReader(GUILD), number!)).toMatchObject({
      status: "in_progress",
      attempts: 0,
    });
    h.clock.advance(11 * 60_000);
    expect(await run(h)).toBe(1);
  }, 60_000);

  it("the last attempt's expiry dead-letters the task", async () => {
    const h = await open(driver, { retry: { baseMs: 1_000, jitter: 0 } });
    const [number] = await startedTasks(h, 1);
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      if (attempt > 1) {
        h.clock.advance(10 * 60_000);
        await h.tasks.transition(as(AGENT, true), { number: number!, action: "start" });
      }
      h.clock.advance(31 * 60_000);
      expect(await run(h)).toBe(1);
    }
    expect(await h.tasks.get(systemReader(GUILD), number!)).toMatchObject({ status: "failed", attempts: 3 });
  }, 60_000);
});
