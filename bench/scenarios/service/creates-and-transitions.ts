import { summarize } from "../../stats.ts";
import { userIdOf } from "../../support/ids.ts";
import { perSecond, runPool } from "../../support/pool.ts";
import { actionContext, member, reviewer, type ServiceHarness } from "../../support/service-harness.ts";
import type { ResultRow } from "../../types.ts";
import { createInputs } from "./task-inputs.ts";

/** Where a created task lives: actions on it are taken in its own channel, as Discord users would. */
export interface CreatedTask {
  number: number;
  channelId: string;
}

export interface Lane {
  guildId: string;
  channelIds: string[];
}

/** `count` creates from `concurrency` members at once, spread over the lane's channels. */
export async function measureCreates(
  harness: ServiceHarness,
  lane: Lane,
  count: number,
  concurrency: number,
): Promise<{ row: ResultRow; tasks: CreatedTask[] }> {
  const input = createInputs();
  const tasks: CreatedTask[] = [];
  const samples: number[] = [];
  const wallMs = await runPool(
    concurrency,
    count,
    async (index) => {
      const channelId = lane.channelIds[index % lane.channelIds.length]!;
      const ctx = actionContext(lane.guildId, channelId, member(userIdOf(1_000 + (index % 50))));
      const task = await harness.service.create(ctx, input(index));
      tasks.push({ number: task.number, channelId });
    },
    samples,
  );
  return {
    row: {
      name: `create (${concurrency} concurrent members, one guild)`,
      latency: summarize(samples),
      throughput: perSecond(count, wallMs),
      unit: "creates/s",
    },
    tasks,
  };
}

/**
 * Each task walks claim → start → submit (→ in review) → approve: four audited transitions, each its
 * own transaction with a version check, event, outbox row and cache invalidation.
 */
export async function measureTransitions(
  harness: ServiceHarness,
  lane: Lane,
  tasks: CreatedTask[],
  concurrency: number,
): Promise<ResultRow> {
  const samples: number[] = [];
  const approver = reviewer(userIdOf(9_000));
  const started = performance.now();
  await runPool(
    concurrency,
    tasks.length,
    async (index) => {
      const { number, channelId } = tasks[index]!;
      const worker = member(userIdOf(2_000 + (index % 50)));
      const ctx = actionContext(lane.guildId, channelId, worker, "button");
      for (const action of ["claim", "start", "submit"] as const) {
        const start = performance.now();
        await harness.service.transition(ctx, { number, action });
        samples.push(performance.now() - start);
      }
      const start = performance.now();
      await harness.service.transition(actionContext(lane.guildId, channelId, approver, "button"), {
        number,
        action: "approve",
      });
      samples.push(performance.now() - start);
    },
    [],
  );
  const wallMs = performance.now() - started;
  return {
    name: `transition (${concurrency} concurrent: claim, start, submit, approve)`,
    latency: summarize(samples),
    throughput: perSecond(samples.length, wallMs),
    unit: "transitions/s",
  };
}
