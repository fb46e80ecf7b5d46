import { createClaimLedger } from "../../contenders/types.ts";
import { summarize } from "../../stats.ts";
import { channelIdOf, userIdOf } from "../../support/ids.ts";
import { perSecond } from "../../support/pool.ts";
import { seedQueue } from "../../support/seed-queue.ts";
import { actionContext, agent, type ServiceHarness } from "../../support/service-harness.ts";
import type { ResultRow } from "../../types.ts";

/**
 * `agents` callers race `next` on one channel holding `claims` open tasks until it is empty. Each
 * claim is one transaction: SKIP LOCKED pick, claimed + started events, outbox row, cache delete.
 * Every task must reach exactly one caller.
 */
export async function measureClaims(
  harness: ServiceHarness,
  guildId: string,
  agents: number,
  claims: number,
  step: number,
): Promise<{ row: ResultRow; rate: number; duplicates: number; missing: number }> {
  const channelId = channelIdOf(0, 500 + step);
  await seedQueue(harness.benchDatabase.url, { guildId, channelId, count: claims });
  const ledger = createClaimLedger();
  const samples: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: agents }, async (_, index) => {
      const ctx = actionContext(guildId, channelId, agent(userIdOf(5_000 + index)), "mention");
      for (;;) {
        const start = performance.now();
        const task = await harness.service.next(ctx);
        if (!task) return;
        samples.push(performance.now() - start);
        ledger.record(String(task.number));
      }
    }),
  );
  const wallMs = performance.now() - started;
  const rate = perSecond(samples.length, wallMs);
  return {
    row: {
      name: `next: ${agents} agent${agents === 1 ? "" : "s"} racing on one channel`,
      latency: summarize(samples),
      throughput: rate,
      unit: "claims/s",
      note: `${ledger.duplicates} duplicate claims; ${ledger.size}/${claims} claimed`,
    },
    rate,
    duplicates: ledger.duplicates,
    missing: claims - ledger.size,
  };
}
