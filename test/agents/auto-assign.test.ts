import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.ts";
import { actorEverywhere, systemReader } from "../../src/services/actors.ts";
import type { ActionContext } from "../../src/services/contracts.ts";
import { autoAssign } from "../../src/services/jobs/auto-assign.ts";
import { DRIVERS, type Harness, openHarness } from "../services/support/harness.ts";

const GUILD = "200000000000000001";
const LANE = "200000000000000002";
const ADMIN = "200000000000000003";
const A = "200000000000000010";
const B = "200000000000000011";
const C = "200000000000000012";
const BOT = "200000000000000099";

const as = (userId: string): ActionContext => ({
  guildId: GUILD,
  channelId: LANE,
  actor: actorEverywhere({ userId, permissions: ["manage_guild", "manage_channels"] }),
  source: "slash",
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

const pass = (h: Harness) =>
  autoAssign({
    database: h.database,
    tasks: h.tasks,
    log: silentLogger,
    systemUserId: () => BOT,
    now: h.clock.now,
  });

async function assignees(h: Harness, numbers: number[]): Promise<(string | null)[]> {
  return Promise.all(
    numbers.map(async (number) => (await h.tasks.get(systemReader(GUILD), number)).assigneeId),
  );
}

describe.each(DRIVERS)("auto-assign least-loaded (%s)", (driver) => {
  it("hands new tasks to the least-loaded agent that covers their labels, within each agent's cap, once", async () => {
    const h = await open(driver);
    await h.settings.update(as(ADMIN), { autoAssign: "least_loaded" });
    // B is registered first (wins ties) but only covers docs; an agent without labels takes anything.
    await h.agents.add(as(ADMIN), { userId: B, labels: ["docs"], maxConcurrent: 3 });
    await h.agents.add(as(ADMIN), { userId: A, maxConcurrent: 3 });
    await h.agents.add(as(ADMIN), { userId: C, maxConcurrent: 1 });
    const labels = [["backend"], ["docs"], [], [], ["docs"], [], [], ["backend"]];
    const numbers: number[] = [];
    for (const [index, taskLabels] of labels.entries()) {
      numbers.push(
        (await h.tasks.create(as(ADMIN), { title: `Task ${index + 1}`, labels: taskLabels })).number,
      );
    }

    const passes =
      driver === "postgres" ? await Promise.all([pass(h), pass(h), pass(h), pass(h)]) : [await pass(h)];
    expect(passes.reduce((sum, n) => sum + n, 0)).toBe(7);
    expect(await pass(h)).toBe(0);
    expect(await assignees(h, numbers)).toEqual([A, B, C, B, A, B, A, null]);

    // Each assignment recorded once, by Tasklane, and its agent told once: no pass did one twice.
    const expected = numbers
      .map((number, index) => ({ number, agent: [A, B, C, B, A, B, A, null][index] }))
      .filter((row) => row.agent !== null)
      .map((row) => `#${row.number} ${row.agent}`)
      .sort();
    const events = await h.rows<{ line: string }>(sql`
      SELECT '#' || t.number || ' ' || (e.details->>'assigneeId') AS line FROM task_events e
      JOIN tasks t ON t.id = e.task_id
      WHERE e.kind = 'assigned' AND e.source = 'system' AND e.actor_id = ${BOT}`);
    expect(events.map((row) => row.line).sort()).toEqual(expected);
    const notified = await h.rows<{ line: string }>(sql`
      SELECT '#' || t.number || ' ' || (o.payload->>'assigneeId') AS line FROM outbox o
      JOIN tasks t ON t.id = o.task_id WHERE o.kind = 'assignment'`);
    expect(notified.map((row) => row.line).sort()).toEqual(expected);
  }, 60_000);

  it("leaves released and claimed tasks to the queue, and hands out a reopened one again", async () => {
    const h = await open(driver);
    await h.agents.add(as(ADMIN), { userId: A, maxConcurrent: 5 });
    const claimed = await h.tasks.create(as(ADMIN), { title: "Claimed by a person" });
    await h.tasks.transition(as(ADMIN), { number: claimed.number, action: "claim" });
    await h.tasks.transition(as(ADMIN), { number: claimed.number, action: "unassign" });
    const done = await h.tasks.create(as(ADMIN), { title: "Cancelled then reopened" });
    await h.tasks.transition(as(ADMIN), { number: done.number, action: "cancel", text: "not now" });
    await h.settings.update(as(ADMIN), { autoAssign: "least_loaded" });
    expect(await pass(h)).toBe(0);
    await h.tasks.transition(as(ADMIN), { number: done.number, action: "reopen" });
    expect(await pass(h)).toBe(1);
    expect(await assignees(h, [claimed.number, done.number])).toEqual([null, A]);
  }, 60_000);

  it("does nothing in channels without the setting", async () => {
    const h = await open(driver);
    await h.agents.add(as(ADMIN), { userId: A });
    const task = await h.tasks.create(as(ADMIN), { title: "Manual lane" });
    expect(await pass(h)).toBe(0);
    expect(await assignees(h, [task.number])).toEqual([null]);
    const [{ writes } = { writes: -1 }] = await h.rows<{ writes: number }>(sql`
      SELECT ((SELECT count(*) FROM task_events WHERE kind = 'assigned')
        + (SELECT count(*) FROM outbox WHERE kind = 'assignment'))::int AS writes`);
    expect(writes).toBe(0);
  }, 60_000);
});
