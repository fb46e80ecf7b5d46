import { mkdirSync } from "node:fs";
import { REST } from "discord.js";
import { deployCommands } from "../../src/deploy-commands.ts";
import { findFreePort } from "../../test/setup/free-port.ts";
import { DiscordStandIn } from "../../test/stand-in/index.ts";
import { answerSeenMs, type StepFigures, stepFigures } from "../e2e/answers.ts";
import { hitRatioBetween, scrapeCacheCounts } from "../e2e/bot-metrics.ts";
import { cpuSeconds, cpuSplit, startBot } from "../e2e/bot-process.ts";
import { CardTracker } from "../e2e/card-tracker.ts";
import { createMix, type InteractionKind, MIX } from "../e2e/interaction-mix.ts";
import { MessageEdits } from "../e2e/message-edits.ts";
import { runOpenLoop, type Sent, waitForAnswers } from "../e2e/open-loop.ts";
import { waitForOutboxDrain } from "../e2e/outbox-drain.ts";
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
    const steps =
      stepsFromEnv(process.env.E2E_STEPS) ??
      (context.quick
        ? [{ rate: 200, seconds: 8 }]
        : [
            { rate: 50, seconds: 20 },
            { rate: 200, seconds: 20 },
            { rate: 500, seconds: 20 },
          ]);
    const kindSeconds = Number(process.env.E2E_KIND_SECONDS ?? (context.quick ? 3 : 5));
    // Each kind alone at the headline rate (200/s, the one the target judges) and at a trickle (50/s,
    // where every interaction pays its own wakeups, syscalls and timers).
    const kindRates = process.env.E2E_KIND_RATES?.split(",").map(Number) ?? [HEADLINE_RATE, TRICKLE_RATE];
    const kindsMeasured = (process.env.E2E_KINDS?.split(",") ?? Object.keys(MIX)) as InteractionKind[];
    mkdirSync(TMP, { recursive: true });
    const data: Record<string, unknown> = {};
    const outcome: Outcome = { rows: [], targets: [], notes: [], data };
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
      const edits = new MessageEdits(standIn);
      const send = createMix(standIn, cards);
      const seen = (s: Sent) => answerSeenMs(s, edits) !== undefined;

      context.progress("e2e: warm-up at 50/s");
      const warm = await runOpenLoop(50, context.quick ? 3_000 : 6_000, send);
      await waitForAnswers(warm, 4_000);

      const byRate = new Map<number, StepFigures>();
      const mixCpuByRate = new Map<number, number>();
      for (const step of steps) {
        context.progress(`e2e: ${step.rate}/s for ${step.seconds} s`);
        const countsBefore = await scrapeCacheCounts(httpPort);
        const sampler = startWaitSampler(database.url);
        const cpuBefore = cpuSeconds(bot.botPid());
        const sent = await runOpenLoop(step.rate, step.seconds * 1_000, send);
        const botCpu = (cpuSeconds(bot.botPid()) - cpuBefore) / step.seconds;
        const waits = await sampler.stop();
        await waitForAnswers(sent, 4_000, seen);
        // Per interaction sent, until its answers are seen (the tail of the step's work included).
        const mixMs = ((cpuSeconds(bot.botPid()) - cpuBefore) * 1000) / sent.length;
        mixCpuByRate.set(step.rate, mixMs);
        const hitRatio = hitRatioBetween(countsBefore, await scrapeCacheCounts(httpPort));
        const figures = stepFigures(`${step.rate}/s`, step.rate, step.seconds * 1_000, sent, edits);
        byRate.set(step.rate, figures);
        figures.rows[0]!.note += `; bot cache hit ratio ${(hitRatio * 100).toFixed(1)}%`;
        outcome.notes.push(
          `${step.rate}/s: bot process CPU ${(botCpu * 100).toFixed(0)}% of one core ` +
            `while sending (${mixMs.toFixed(2)} ms per interaction sent, until its answers were seen), ` +
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
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
      outcome.targets.push(...answerTargets(byRate));

      // Idle: what the bot spends with nothing to answer (heartbeats, jobs, dispatcher polls), per second.
      const backlog = await waitForOutboxDrain(database.url, 60_000);
      if (backlog > 0)
        outcome.notes.push(`The outbox still had ${backlog} messages to send 60 s after the last step.`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const idleBefore = cpuSeconds(bot.botPid());
      const idleSeconds = 3;
      await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1_000));
      outcome.notes.push(
        `Bot CPU at rest: ${(((cpuSeconds(bot.botPid()) - idleBefore) * 1000) / idleSeconds).toFixed(0)} ms per second (${idleSeconds} s with no interactions).`,
      );

      // CPU per kind: each kind alone at a steady rate, the bot's CPU time over what it answered.
      const cpuByRate = new Map<number, Map<InteractionKind, KindCpu>>();
      for (const cpuRate of kindSeconds > 0 ? kindRates : []) {
        const byKind = new Map<InteractionKind, KindCpu>();
        cpuByRate.set(cpuRate, byKind);
        for (const kind of kindsMeasured) {
          context.progress(`e2e: CPU per ${kind} (${cpuRate}/s for ${kindSeconds} s)`);
          const before = cpuSplit(bot.botPid());
          const sent = await runOpenLoop(cpuRate, kindSeconds * 1_000, send.only(kind));
          await waitForAnswers(sent, 4_000, seen);
          await waitForOutboxDrain(database.url, 30_000);
          const after = cpuSplit(bot.botPid());
          byKind.set(kind, {
            userMs: ((after.user - before.user) * 1000) / sent.length,
            systemMs: ((after.system - before.system) * 1000) / sent.length,
            kinds: new Set(sent.map((s) => s.kind)),
          });
        }
        outcome.notes.push(
          `Bot CPU per interaction, each kind alone at ${cpuRate}/s for ${kindSeconds} s (from its first send until its answers are seen and the outbox it filled is sent: outbox work the kind causes included, an earlier step's backlog not): ${describeKinds(byKind, true)}.`,
        );
      }
      outcome.targets.push(cpuTarget(cpuByRate, mixCpuByRate, kindsMeasured));
      data.cpuPerInteractionMs = {
        byKind: Object.fromEntries(
          [...cpuByRate].map(([rate, byKind]) => [
            rate,
            Object.fromEntries([...byKind].map(([kind, cpu]) => [kind, cpu.userMs + cpu.systemMs])),
          ]),
        ),
        mix: Object.fromEntries(mixCpuByRate),
      };
      const memory = bot.memory();
      peakRss = Math.max(peakRss, memory.bot?.peakRssMb ?? 0);
      outcome.targets.push({
        target: "bot peak RSS < 150 MB during the e2e run",
        figure: `${peakRss.toFixed(0)} MB`,
        met: peakRss < 150,
      });
      outcome.notes.push(
        `Mix per 100 interactions: ${Object.entries(MIX)
          .map(([kind, share]) => `${share} ${kind}`)
          .join(
            ", ",
          )} (button = the next card button: claim → start → submit by the claimer, approve by a lead). ` +
          `${cards.size} cards followed. Latency = INTERACTION_CREATE sent on the gateway → first callback received by the stand-in; ` +
          "Each row's latency is *answer seen*: an immediate reply or a click's own card update (callback 4/7) at its callback; " +
          "a deferred reply (5) when its content arrives; a deferred click (6) when the card shows the new state (its edit or the outbox's). " +
          "Ack = the first callback's latency, beside it.",
        `Bot peak RSS (VmHWM of the compiled bot, node dist/main.js, as npm start runs it): ${peakRss.toFixed(0)} MB. ` +
          "The stand-in and the load generator share the same 2 cores with the bot, Postgres and Redis.",
      );
      data.peakRssMb = peakRss;
    } finally {
      clearInterval(poll);
      await bot.stop();
      await standIn.stop();
      await database.drop();
    }
    return outcome;
  },
};

/** The rate the CPU target is judged at (each kind alone), as the latency targets' headline rate. */
const HEADLINE_RATE = 200;
const TRICKLE_RATE = 50;
const CPU_LIMIT_MS = 1.5;

interface KindCpu {
  userMs: number;
  systemMs: number;
  /** The kinds really sent (a kind with no target yet falls back to a view or a create). */
  kinds: Set<InteractionKind>;
}

function describeKinds(byKind: Map<InteractionKind, KindCpu>, split: boolean): string {
  return [...byKind]
    .map(([kind, { userMs, systemMs, kinds }]) => {
      const parts = split ? ` (user ${userMs.toFixed(2)}, system ${systemMs.toFixed(2)})` : "";
      const fallbacks = kinds.size > 1 ? ` (with fallbacks: ${[...kinds].join("/")})` : "";
      return `${kind} ${(userMs + systemMs).toFixed(2)} ms${parts}${fallbacks}`;
    })
    .join(", ");
}

/**
 * The CPU target judges one figure: the worst kind, each kind alone at the headline rate. Beside it,
 * the same at a trickle (fixed per-wakeup costs weigh more there) and the mix at each rate offered.
 */
function cpuTarget(
  cpuByRate: Map<number, Map<InteractionKind, KindCpu>>,
  mixCpuByRate: Map<number, number>,
  kindsMeasured: InteractionKind[],
) {
  const headline = cpuByRate.get(HEADLINE_RATE);
  const worst = headline
    ? [...headline]
        .map(([kind, cpu]) => [kind, cpu.userMs + cpu.systemMs] as const)
        .sort((a, b) => b[1] - a[1])[0]
    : undefined;
  const beside = [
    ...[...cpuByRate]
      .filter(([rate]) => rate !== HEADLINE_RATE)
      .map(([rate, byKind]) => `each kind alone at ${rate}/s: ${describeKinds(byKind, false)}`),
    mixCpuByRate.size
      ? `the mix: ${[...mixCpuByRate].map(([rate, ms]) => `${ms.toFixed(2)} ms at ${rate}/s`).join(", ")}`
      : "the mix: not offered",
  ];
  const allKinds = kindsMeasured.length === Object.keys(MIX).length;
  return {
    target: `bot CPU <= ${CPU_LIMIT_MS} ms per interaction, every kind (judged: each kind alone at ${HEADLINE_RATE}/s, the worst kind)`,
    figure: headline
      ? `worst ${worst?.[0]} ${worst?.[1].toFixed(2)} ms; at ${HEADLINE_RATE}/s: ${describeKinds(headline, false)}. Beside it (not judged): ${beside.join("; ")}`
      : `${HEADLINE_RATE}/s per kind not measured. Beside it: ${beside.join("; ")}`,
    met: headline && worst && allKinds ? worst[1] <= CPU_LIMIT_MS : null,
  };
}

function answerTargets(byRate: Map<number, StepFigures>) {
  const at = (rate: number) => byRate.get(rate);
  const seenP99 = (rate: number, limit: number) => {
    const f = at(rate);
    return {
      target: `answer seen p99 < ${limit} ms at ${rate} interactions/s`,
      figure: f
        ? `${f.all.seen.p99.toFixed(1)} ms (${f.all.sent} sent; worst kind ${worstKind(f)}; ack p99 ${f.all.ack.p99.toFixed(1)} ms)`
        : `${rate}/s not offered`,
      met: f ? f.all.seen.p99 < limit && f.all.seenPast3s === 0 : null,
    };
  };
  const f500 = at(500);
  return [
    seenP99(200, 100),
    seenP99(500, 500),
    {
      target: "no interaction past 3 s at 500/s, creates included (ack, and answer seen)",
      figure: f500
        ? `ack past 3 s ${f500.all.ackPast3s}, answer seen past 3 s ${f500.all.seenPast3s} (creates: ${f500.byKind.get("create")?.seenPast3s ?? 0})`
        : "500/s not offered",
      met: f500 ? f500.all.ackPast3s === 0 && f500.all.seenPast3s === 0 : null,
    },
  ];
}

/** E2E_STEPS="200:10,500:10": rate per second and seconds of each step, instead of the default steps. */
function stepsFromEnv(value: string | undefined): { rate: number; seconds: number }[] | undefined {
  if (!value) return undefined;
  return value.split(",").map((step) => {
    const [rate, seconds] = step.split(":").map(Number);
    if (!rate || !seconds) throw new Error(`E2E_STEPS: "${step}" is not rate:seconds`);
    return { rate, seconds };
  });
}

function worstKind(f: StepFigures): string {
  const [kind, figures] = [...f.byKind.entries()].sort(([, a], [, b]) => b.seen.p99 - a.seen.p99)[0] ?? [];
  return kind && figures ? `${kind} ${figures.seen.p99.toFixed(1)} ms` : "n/a";
}
