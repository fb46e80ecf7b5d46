import { viewKeys } from "../../../src/cache/keys.ts";
import type { CacheMetricsSnapshot } from "../../../src/cache/types.ts";
import { systemReader } from "../../../src/services/actors.ts";
import { summarize } from "../../stats.ts";
import { userIdOf } from "../../support/ids.ts";
import { perSecond, runPool } from "../../support/pool.ts";
import { actionContext, member, type ServiceHarness } from "../../support/service-harness.ts";
import { createZipf, seededRandom } from "../../support/zipf.ts";
import type { ResultRow, TargetCheck } from "../../types.ts";
import type { CreatedTask, Lane } from "./creates-and-transitions.ts";

const hitRatio = (before: CacheMetricsSnapshot, after: CacheMetricsSnapshot) => {
  const hits = after.hits - before.hits;
  const misses = after.misses - before.misses;
  return hits + misses === 0 ? Number.NaN : hits / (hits + misses);
};

/**
 * The task view (/task view, a card refresh) one at a time: first read of each task (cold: Redis
 * miss, Postgres, Redis set), then the same tasks again (warm: one Redis GET). The writes before
 * stored each task's view as they committed it, so the cold pass deletes the keys first.
 */
export async function measureColdWarm(
  harness: ServiceHarness,
  lane: Lane,
  tasks: CreatedTask[],
): Promise<{ rows: ResultRow[]; targets: TargetCheck[] }> {
  const numbers = tasks.map((task) => task.number);
  await harness.cache.views.del(numbers.map((number) => viewKeys.task(lane.guildId, number)));
  const cold: number[] = [];
  const warm: number[] = [];
  const coldWall = await runPool(
    1,
    numbers.length,
    (i) => harness.service.get(systemReader(lane.guildId), numbers[i]!),
    cold,
  );
  const warmWall = await runPool(
    1,
    numbers.length,
    (i) => harness.service.get(systemReader(lane.guildId), numbers[i]!),
    warm,
  );
  const coldSummary = summarize(cold);
  const warmSummary = summarize(warm);
  const speedUp = coldSummary.p50 / warmSummary.p50;
  return {
    rows: [
      {
        name: "view, cold (cache miss → Postgres)",
        latency: coldSummary,
        throughput: perSecond(cold.length, coldWall),
        unit: "views/s",
      },
      {
        name: "view, warm (Redis hit)",
        latency: warmSummary,
        throughput: perSecond(warm.length, warmWall),
        unit: "views/s",
        note: `${speedUp.toFixed(1)}× faster than cold at p50 (${(coldSummary.mean / warmSummary.mean).toFixed(1)}× by mean)`,
      },
    ],
    targets: [
      {
        target: "warm view ≥ 5× faster than cold",
        figure: `${speedUp.toFixed(1)}× (p50)`,
        met: speedUp >= 5,
      },
    ],
  };
}

/**
 * A busy server's mix: `operations` calls from 8 members at once over `tasks`, task popularity
 * Zipf(1.0); 95% views, 5% comments (a write: the card's cache key is deleted after commit).
 * Measured after an untimed warm-up pass of the same mix. The whole run is shorter than the 60 s
 * view TTL, so expiry never causes a miss here; over hours, a task viewed less than once a minute would.
 */
export async function measureViewMix(
  harness: ServiceHarness,
  lane: Lane,
  tasks: CreatedTask[],
  operations: number,
): Promise<ResultRow> {
  const pick = createZipf(tasks.length, 1.0, 11);
  const random = seededRandom(13);
  let writes = 0;
  const operation = async (index: number) => {
    const { number, channelId } = tasks[pick()]!;
    if (random() < 0.05) {
      writes += 1;
      const ctx = actionContext(lane.guildId, channelId, member(userIdOf(3_000 + (index % 40))));
      await harness.service.comment(ctx, number, `progress note ${index}`);
    } else {
      await harness.service.get(systemReader(lane.guildId), number);
    }
  };
  // A running bot's cache is warm: one untimed pass first, so first-touch misses don't count.
  await runPool(8, operations, operation, []);
  writes = 0;
  const samples: number[] = [];
  const before = harness.cache.metrics();
  const wallMs = await runPool(8, operations, operation, samples);
  const ratio = hitRatio(before, harness.cache.metrics());
  const percent = `${(ratio * 100).toFixed(1)}%`;
  return {
    name: "view mix: 95% views, 5% comments, Zipf popularity, 8 concurrent",
    latency: summarize(samples),
    throughput: perSecond(operations, wallMs),
    unit: "ops/s",
    note: `cache hit ratio ${percent} over ${tasks.length} tasks (${writes} writes), after a warm-up pass`,
  };
}
