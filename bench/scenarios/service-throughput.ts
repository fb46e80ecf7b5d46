import { withCost } from "../support/cost.ts";
import { channelIdOf, guildIdOf } from "../support/ids.ts";
import { openServiceHarness } from "../support/service-harness.ts";
import type { Scenario, ScenarioResult } from "../types.ts";
import { measureClaims } from "./service/claims.ts";
import {
  type CreatedTask,
  type Lane,
  measureCreates,
  measureTransitions,
} from "./service/creates-and-transitions.ts";
import { measureColdWarm, measureViewMix } from "./service/views.ts";

type Outcome = Omit<ScenarioResult, "id" | "title" | "durationMs">;

export const serviceThroughput: Scenario = {
  id: "service",
  title: "Service throughput: the task engine on Postgres + Redis (no Discord)",
  async run(context) {
    const n = context.quick
      ? { creates: 500, claims: 600, views: 300, mix: 4_000 }
      : { creates: 4_000, claims: 4_000, views: 1_000, mix: 20_000 };
    const harness = await openServiceHarness(context, "service");
    const outcome: Outcome = { rows: [], targets: [], notes: [] };
    try {
      const lane: Lane = {
        guildId: guildIdOf(0),
        channelIds: Array.from({ length: 8 }, (_, i) => channelIdOf(0, i)),
      };
      context.progress(`service: ${n.creates} creates`);
      let created: CreatedTask[] = [];
      outcome.rows.push(
        await withCost(harness.database, async () => {
          const measured = await measureCreates(harness, lane, n.creates, 8);
          created = measured.tasks;
          return measured.row;
        }),
      );
      context.progress("service: transitions");
      outcome.rows.push(
        await withCost(harness.database, () => measureTransitions(harness, lane, created, 8)),
      );

      let duplicates = 0;
      let missing = 0;
      for (const [step, agents] of [1, 8, 32].entries()) {
        context.progress(`service: next with ${agents} agents`);
        let claims!: Awaited<ReturnType<typeof measureClaims>>;
        outcome.rows.push(
          await withCost(harness.database, async () => {
            claims = await measureClaims(harness, lane.guildId, agents, n.claims, step);
            return claims.row;
          }),
        );
        duplicates += claims.duplicates;
        missing += claims.missing;
        if (agents === 8) {
          outcome.targets.push({
            target: "≥ 3,000 claims/s with 8 agents (next)",
            figure: `${Math.round(claims.rate).toLocaleString("en-US")}/s`,
            met: claims.rate >= 3_000,
          });
        }
      }
      outcome.targets.push({
        target: "zero duplicate claims (1, 8, 32 agents)",
        figure: `${duplicates} duplicates, ${missing} tasks unclaimed`,
        met: duplicates === 0 && missing === 0,
      });

      context.progress("service: views");
      const viewLane: Lane = { guildId: guildIdOf(1), channelIds: [channelIdOf(1, 0), channelIdOf(1, 1)] };
      const viewed = await measureCreates(harness, viewLane, n.views, 8);
      const coldWarm = await measureColdWarm(harness, viewLane, viewed.tasks);
      outcome.rows.push(...coldWarm.rows);
      outcome.targets.push(...coldWarm.targets);
      outcome.rows.push(
        await withCost(harness.database, () => measureViewMix(harness, viewLane, viewed.tasks, n.mix)),
      );
      outcome.notes.push(
        `${n.creates} creates then their ${n.creates * 4} transitions; ${n.claims} open tasks per next step ` +
          "(callers are bot users not registered as agents, so no per-agent cap; next = claim + start in one transaction); " +
          `${n.views} tasks viewed cold then warm, one at a time; mix of ${n.mix} operations. Redis cache, pg pool of 40.`,
      );
    } finally {
      await harness.close();
    }
    return outcome;
  },
};
