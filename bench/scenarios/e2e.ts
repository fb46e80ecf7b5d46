import { mkdirSync } from "node:fs";
import { REST } from "discord.js";
import { deployCommands } from "../../src/deploy-commands.ts";
import { findFreePort } from "../../test/setup/free-port.ts";
import { DiscordStandIn } from "../../test/stand-in/index.ts";
import { stepFigures } from "../e2e/answers.ts";
import { hitRatioBetween, scrapeCacheCounts } from "../e2e/bot-metrics.ts";
import { cpuSeconds, startBot } from "../e2e/bot-process.ts";
import { CardTracker } from "../e2e/card-tracker.ts";
import { createMix, MIX } from "../e2e/interaction-mix.ts";
import { runOpenLoop, waitForAnswers } from "../e2e/open-loop.ts";
import { BENCH_WORLD } from "../e2e/world.ts";
import { createBenchDatabase } from "../support/databases.ts";
import { describeWaits, startWaitSampler } from "../support/wait-sampler.ts";
import type { Scenario, ScenarioResult } from "../types.ts";

const BOT_TOKEN = "bench-bot-token";
const TMP = "bench/.tmp";

type Outcome = Omit<ScenarioResult, "id" | "title" | "durationMs">;

export const endToEnd: Scenario = {
  id: "e2e",
  title:
    "End to end: the compiled bot process (node dist/main.js, as npm start runs it) driven through the Discord stand-in, open loop",
  async run(context) {
    const steps = context.quick
      ? [{ rate: 200, seconds: 8 }]
      : [
          { rate: 50, seconds: 20 },
          { rate: 200, seconds: 20 },
          { rate: 500, seconds: 20 },
        ];
    mkdirSync(TMP, { recursive: true });
    const outcome: Outcome = { rows: [], targets: [], notes: [], data: {} };
    const standIn = await DiscordStandIn.start({ token: BOT_TOKEN, ...BENCH_WORLD });
    const database = await createBenchDatabase(context.servers.postgresUrl, `bench_${context.runId}_e2e`, {
      migrate: false,
    });
    const rest = new REST({ api: standIn.apiUrl }).setToken(BOT_TOKEN);
    await deployCommands({ rest, applicationId: standIn.applicationId, guildId: standIn.guild().id });
    const logFile = `${TMP}/e2e-bot.log`;
    const profile = context.profile;
    const httpPort = await findFreePort();
    const bot = startBot(
      {
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_API_URL: standIn.apiUrl,
        DATABASE_URL: database.url,
        REDIS_URL: context.servers.redisUrl,
        HTTP_PORT: String(httpPort),
        HTTP_HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        LOG_FORMAT: "json",
      },
      logFile,
      profile ? ["--cpu-prof", `--cpu-prof-dir=${TMP}/profile-e2e`] : [],
    );
    let peakRss = 0;
    const poll = setInterval(() => {
      peakRss = Math.max(peakRss, bot.memory().bot?.peakRssMb ?? 0);
    }, 250);
    try {
      const started = performance.now();
      await Promise.race([
        standIn.waitForBot({ timeoutMs: 90_000 }),
        bot.exited.then((code) => {
          throw new Error(`the bot exited (code ${code}) before connecting; see ${logFile}`);
        }),
      ]);
      outcome.notes.push(
        `bot ready ${((performance.now() - started) / 1000).toFixed(1)} s after spawn (tsx start-up and migrations included), ` +
          `RSS at ready ${bot.memory().bot?.rssMb.toFixed(0) ?? "?"} MB.`,
      );
      const cards = new CardTracker(standIn);
      const send = createMix(standIn, cards);

      context.progress("e2e: warm-up at 50/s");
      const warm = await runOpenLoop(50, context.quick ? 3_000 : 6_000, send);
      await waitForAnswers(warm, 4_000);

      let pastDeadlineAt500: number | undefined;
      for (const step of steps) {
        context.progress(`e2e: ${step.rate}/s for ${step.seconds} s`);
        const countsBefore = await scrapeCacheCounts(httpPort);
        const sampler = startWaitSampler(database.url);
        const cpuBefore = cpuSeconds(bot.botPid());
        const sent = await runOpenLoop(step.rate, step.seconds * 1_000, send);
        const botCpu = (cpuSeconds(bot.botPid()) - cpuBefore) / step.seconds;
        const waits = await sampler.stop();
        await waitForAnswers(sent, 4_000);
        const hitRatio = hitRatioBetween(countsBefore, await scrapeCacheCounts(httpPort));
        const figures = stepFigures(`${step.rate}/s`, step.rate, step.seconds * 1_000, sent);
        figures.rows[0]!.note += `; bot cache hit ratio ${(hitRatio * 100).toFixed(1)}%`;
        outcome.notes.push(
          `${step.rate}/s: bot process CPU ${(botCpu * 100).toFixed(0)}% of one core ` +
            `(${((botCpu * 1000) / step.rate).toFixed(1)} ms per offered interaction), ` +
            `RSS ${bot.memory().bot?.rssMb.toFixed(0) ?? "?"} MB at the end of the step (peak so far ${bot.memory().bot?.peakRssMb.toFixed(0) ?? "?"} MB); ` +
            `busy Postgres backends on average (sampled every 20 ms): ${describeWaits(waits)}.`,
        );
        outcome.rows.push(...figures.rows);
        if (step.rate === 200) {
          outcome.targets.push({
            target: "cache hit ratio > 95% on the realistic mix (the bot's own counters, e2e at 200/s)",
            figure: `${(hitRatio * 100).toFixed(1)}%`,
            met: hitRatio > 0.95,
          });
        }
        if (step.rate === 200) {
          outcome.targets.push({
            target: "e2e p99 < 50 ms at 200 interactions/s",
            figure: `${figures.p99.toFixed(1)} ms (${figures.sent} interactions)`,
            met: figures.p99 < 50,
          });
        }
        if (step.rate === 500) pastDeadlineAt500 = figures.pastDeadline;
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
      outcome.targets.push(
        pastDeadlineAt500 === undefined
          ? {
              target: "e2e: no interaction past 3 s at 500/s",
              figure: "quick run: 500/s not offered",
              met: null,
            }
          : {
              target: "e2e: no interaction past 3 s at 500/s",
              figure: `${pastDeadlineAt500} past 3 s`,
              met: pastDeadlineAt500 === 0,
            },
      );
      const memory = bot.memory();
      peakRss = Math.max(peakRss, memory.bot?.peakRssMb ?? 0);
      outcome.targets.push({
        target: "bot peak RSS < 200 MB during the e2e run",
        figure: `${peakRss.toFixed(0)} MB`,
        met: peakRss < 200,
      });
      outcome.notes.push(
        `Mix per 100 interactions: ${Object.entries(MIX)
          .map(([kind, share]) => `${share} ${kind}`)
          .join(
            ", ",
          )} (button = the next card button: claim → start → submit by the claimer, approve by a lead). ` +
          `${cards.size} cards followed. Latency = INTERACTION_CREATE sent on the gateway → first callback received by the stand-in; ` +
          "'from schedule' adds the sender's own lag behind the open-loop schedule; 'full answer' waits for a deferred reply to be filled in.",
        `Bot peak RSS (VmHWM of the compiled bot, node dist/main.js, as npm start runs it): ${peakRss.toFixed(0)} MB. ` +
          "The stand-in and the load generator share the same 2 cores with the bot, Postgres and Redis.",
      );
      outcome.data = { peakRssMb: peakRss };
    } finally {
      clearInterval(poll);
      await bot.stop();
      await standIn.stop();
      await database.drop();
    }
    return outcome;
  },
};
