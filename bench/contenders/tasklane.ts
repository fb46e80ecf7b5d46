import { sql } from "drizzle-orm";
import { createCache } from "../../src/cache/create-cache.ts";
import { silentLogger } from "../../src/log.ts";
import { createTaskService } from "../../src/services/tasks/index.ts";
import { openDatabase } from "../../src/store/database.ts";
import { queryRows } from "../../src/store/raw.ts";
import { channelIdOf, guildIdOf, userIdOf } from "../support/ids.ts";
import { configureChannel, registerAgents } from "../support/seed-queue.ts";
import { actionContext, agent, member } from "../support/service-harness.ts";
import { type Contender, type ContenderOptions, createClaimLedger, drain, enqueueAll } from "./types.ts";

/**
 * Tasklane's queue as agents use it: members create tasks (/task create: validation, limit gate,
 * guild counter, created event); each of `workers` registered agents loops next (claim + start,
 * lease, events, outbox) → submit (review not required: → done, event, outbox, cache delete).
 */
async function runTasklane(options: ContenderOptions, databaseUrl: string) {
  const guildId = guildIdOf(0);
  const channelId = channelIdOf(0, 0);
  const agentIds = Array.from({ length: options.workers }, (_, i) => userIdOf(7_000 + i));
  await configureChannel(databaseUrl, { guildId, channelId, requireReview: false });
  await registerAgents(databaseUrl, guildId, agentIds, 1);
  const database = await openDatabase({ url: databaseUrl, log: silentLogger, poolMax: 20 });
  const cache = await createCache({
    redisUrl: options.redisUrl,
    keyPrefix: `bench:${options.runId}:sbs:`,
    log: silentLogger,
  });
  const service = createTaskService({ database, cache, log: silentLogger });
  try {
    const statementsAtStart = database.queryCount();
    const cpuAtStart = process.cpuUsage();
    const enqueueMs: number[] = [];
    const enqueueWallMs = await enqueueAll(
      options.items,
      options.producers,
      async (index) => {
        const ctx = actionContext(guildId, channelId, member(userIdOf(100 + (index % options.producers))));
        await service.create(ctx, { title: `item ${index}`, description: "bench item" });
      },
      enqueueMs,
    );
    const statementsAfterEnqueue = database.queryCount();
    const cpuAfterEnqueue = process.cpuUsage();
    const cycleMs: number[] = [];
    const ledger = createClaimLedger();
    const contexts = agentIds.map((id) => actionContext(guildId, channelId, agent(id), "mention"));
    const cycleWallMs = await drain(
      options.workers,
      async (worker) => {
        const ctx = contexts[worker]!;
        const task = await service.next(ctx);
        if (!task) return null;
        await service.transition(ctx, { number: task.number, action: "submit" });
        return String(task.number);
      },
      cycleMs,
      ledger,
    );
    const cpuAtEnd = process.cpuUsage();
    const perItem = (from: number, to: number) => ((to - from) / options.items).toFixed(1);
    const cpuPerItem = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage) =>
      ((to.user + to.system - from.user - from.system) / 1000 / options.items).toFixed(2);
    const note =
      `SQL statements per item: create ${perItem(statementsAtStart, statementsAfterEnqueue)}, next + submit ${perItem(statementsAfterEnqueue, database.queryCount())}; ` +
      `Node CPU per item (this process, the bench's own loop included): create ${cpuPerItem(cpuAtStart, cpuAfterEnqueue)} ms, next + submit ${cpuPerItem(cpuAfterEnqueue, cpuAtEnd)} ms`;
    // Counted in SQL: a list's total is capped (1,000), which would undercount the run.
    const [done] = await queryRows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM tasks WHERE channel_id = ${channelId} AND status = 'done'`,
    );
    return {
      enqueueMs,
      enqueueWallMs,
      cycleMs,
      cycleWallMs,
      duplicates: ledger.duplicates,
      completed: Number(done?.n ?? 0),
      note,
    };
  } finally {
    await cache.close();
    await database.close();
  }
}

export const tasklaneContender: Contender = { name: "Tasklane", run: runTasklane, migrate: true };
