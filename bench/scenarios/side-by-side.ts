import { runBullmq } from "../contenders/bullmq.ts";
import { runPgBoss } from "../contenders/pg-boss.ts";
import { runPgFloor } from "../contenders/pg-floor.ts";
import type { Contender, ContenderOptions } from "../contenders/types.ts";
import { summarize } from "../stats.ts";
import { createBenchDatabase } from "../support/databases.ts";
import { describeWaits, startWaitSampler } from "../support/wait-sampler.ts";
import type { BenchContext, ResultRow, Scenario, TargetCheck } from "../types.ts";

const CONTENDERS: Contender[] = [
  { name: "floor: pg INSERT + SKIP LOCKED", run: runPgFloor, migrate: false },
  { name: "pg-boss 10", run: runPgBoss, migrate: false },
  { name: "BullMQ 5", run: (options) => runBullmq(options), migrate: false },
];

/** The peers and the floor, then `extra` (Tasklane itself), each on a database of its own. */
export function sideBySide(extra: Contender[] = []): Scenario {
  return {
    id: "side-by-side",
    title: "Side by side: claim-and-complete, 8 workers, same Postgres and Redis",
    async run(context: BenchContext) {
      const options: ContenderOptions = {
        items: context.quick ? 600 : 10_000,
        workers: 8,
        producers: 8,
        postgresUrl: context.servers.postgresUrl,
        redisUrl: context.servers.redisUrl,
        runId: context.runId,
      };
      const rows: ResultRow[] = [];
      const notes = [
        `${options.items} items per contender; ${options.producers} producers enqueue one item per call; ` +
          `${options.workers} workers claim one and complete it until the queue is empty.`,
      ];
      const throughputs = new Map<string, number>();
      for (const contender of [...CONTENDERS, ...extra]) {
        context.progress(`side-by-side: ${contender.name}`);
        const database = await createBenchDatabase(
          context.servers.postgresUrl,
          `bench_${context.runId}_sbs_${throughputs.size}`,
          { migrate: contender.migrate },
        );
        const sampler = startWaitSampler(database.url);
        try {
          const result = await contender.run(options, database.url);
          const waits = await sampler.stop();
          if (waits.length > 0)
            notes.push(`${contender.name}: busy Postgres backends on average: ${describeWaits(waits, 4)}.`);
          const cycleRate = (result.completed / result.cycleWallMs) * 1000;
          throughputs.set(contender.name, cycleRate);
          rows.push({
            name: `${contender.name}: enqueue`,
            latency: summarize(result.enqueueMs),
            throughput: (options.items / result.enqueueWallMs) * 1000,
            unit: "items/s",
          });
          rows.push({
            name: `${contender.name}: claim + complete`,
            latency: summarize(result.cycleMs),
            throughput: cycleRate,
            unit: "items/s",
            note: `${result.completed}/${options.items} completed, ${result.duplicates} duplicate claims${result.note ? `; ${result.note}` : ""}`,
          });
        } catch (error) {
          notes.push(`${contender.name} failed: ${(error as Error).message}`);
        } finally {
          await sampler.stop();
          await database.drop();
        }
      }
      return { rows, notes, targets: compareWithPgBoss(throughputs) };
    },
  };
}

function compareWithPgBoss(throughputs: Map<string, number>): TargetCheck[] {
  const tasklane = throughputs.get("Tasklane");
  const pgBoss = throughputs.get("pg-boss 10");
  const floor = throughputs.get(CONTENDERS[0]!.name);
  const target =
    "Tasklane claim+complete ≥ 3× pg-boss fetch+complete (8 workers), audit event and outbox row included";
  if (tasklane === undefined || pgBoss === undefined) return [{ target, figure: "not measured", met: null }];
  const ofFloor = floor
    ? `; ${((tasklane / floor) * 100).toFixed(0)}% of the bare SKIP LOCKED floor (${floor.toFixed(0)}/s)`
    : "";
  return [
    {
      target,
      figure: `${tasklane.toFixed(0)}/s vs ${pgBoss.toFixed(0)}/s (${(tasklane / pgBoss).toFixed(2)}×)${ofFloor}`,
      met: tasklane >= 3 * pgBoss,
    },
  ];
}
