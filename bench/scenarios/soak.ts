import { mkdirSync } from "node:fs";
import { REST } from "discord.js";
import { deployCommands } from "../../src/deploy-commands.ts";
import { findFreePort } from "../../test/setup/free-port.ts";
import { DiscordStandIn } from "../../test/stand-in/index.ts";
import { stepFigures } from "../e2e/answers.ts";
import { startBot } from "../e2e/bot-process.ts";
import { CardTracker } from "../e2e/card-tracker.ts";
import { createMix } from "../e2e/interaction-mix.ts";
import { MessageEdits } from "../e2e/message-edits.ts";
import { runOpenLoop, waitForAnswers } from "../e2e/open-loop.ts";
import { BENCH_WORLD } from "../e2e/world.ts";
import { createBenchDatabase } from "../support/databases.ts";
import type { Scenario, ScenarioResult } from "../types.ts";

const BOT_TOKEN = "bench-bot-token";
const TMP = "bench/.tmp";
const DEFAULT_RATE = 100;
const CHUNK_MS = 60_000;

type Outcome = Omit<ScenarioResult, "id" | "title" | "durationMs">;

/**
 * Memory over time (issue 17): the compiled bot process at SOAK_RATE interactions/s (default 100) for
 * SOAK_MINUTES (default 30; `--quick`: 1), RSS and the V8 heap (from /metrics) sampled after each
 * minute. The first fifth is warm-up (caches and pools fill); the target is RSS growth under 10% from
 * the end of warm-up to the end. Opt-in: `--only soak`.
 */
export const soak: Scenario = {
  id: "soak",
  title: "Soak: the bot process at 100 interactions/s, RSS over time",
  optIn: true,
  async run(context) {
    const minutes = context.quick ? 1 : Number(process.env.SOAK_MINUTES ?? 30);
    const RATE = Number(process.env.SOAK_RATE ?? DEFAULT_RATE);
    const chunks = Math.max(2, Math.round((minutes * 60_000) / CHUNK_MS));
    const chunkMs = Math.min(CHUNK_MS, (minutes * 60_000) / chunks);
    mkdirSync(TMP, { recursive: true });
    const outcome: Outcome = { rows: [], targets: [], notes: [], data: {} };
    const standIn = await DiscordStandIn.start({
      token: BOT_TOKEN,
      keepRequestBodies: false,
      ...BENCH_WORLD,
    });
    const database = await createBenchDatabase(context.servers.postgresUrl, `bench_${context.runId}_soak`, {
      migrate: false,
    });
    const rest = new REST({ api: standIn.apiUrl }).setToken(BOT_TOKEN);
    await deployCommands({ rest, applicationId: standIn.applicationId, guildId: standIn.guild().id });
    const logFile = `${TMP}/soak-bot.log`;
    const httpPort = await findFreePort();
    const bot = startBot(
      {
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_API_URL: standIn.apiUrl,
        DATABASE_URL: database.url,
        REDIS_URL: context.servers.redisUrl,
        REDIS_KEY_PREFIX: `bench:${context.runId}:soak:`,
        HTTP_PORT: String(httpPort),
        HTTP_HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        LOG_FORMAT: "json",
      },
      logFile,
    );
    try {
      await Promise.race([
        standIn.waitForBot({ timeoutMs: 90_000 }),
        bot.exited.then((code) => {
          throw new Error(`the bot exited (code ${code}) before connecting; see ${logFile}`);
        }),
      ]);
      const send = createMix(standIn, new CardTracker(standIn));
      const edits = new MessageEdits(standIn);
      const samples: { minute: number; rssMb: number; heapMb: number; externalMb: number }[] = [];
      for (let chunk = 1; chunk <= chunks; chunk += 1) {
        const sent = await runOpenLoop(RATE, chunkMs, send);
        await waitForAnswers(sent, 4_000);
        const rssMb = bot.memory().bot?.rssMb ?? Number.NaN;
        const { heapMb, externalMb } = await heapOf(httpPort);
        samples.push({ minute: (chunk * chunkMs) / 60_000, rssMb, heapMb, externalMb });
        context.progress(
          `soak: ${chunk}/${chunks}, RSS ${rssMb.toFixed(0)} MB, heap used ${heapMb.toFixed(0)} MB, external ${externalMb.toFixed(0)} MB`,
        );
        if (chunk === chunks)
          outcome.rows.push(...stepFigures(`last chunk at ${RATE}/s`, RATE, chunkMs, sent, edits).rows);
      }
      const warm = samples[Math.max(0, Math.floor(chunks / 5) - 1)]!;
      const last = samples.at(-1)!;
      const growth = (last.rssMb - warm.rssMb) / warm.rssMb;
      outcome.targets.push({
        target: `RSS growth < 10% after warm-up over ${minutes} min at ${RATE}/s`,
        figure: `${warm.rssMb.toFixed(0)} → ${last.rssMb.toFixed(0)} MB (${(growth * 100).toFixed(1)}%)`,
        met: minutes >= 30 ? growth < 0.1 : null,
      });
      outcome.notes.push(
        `RSS by minute: ${samples.map((s) => `${s.minute.toFixed(1)}: ${s.rssMb.toFixed(0)}`).join(", ")} MB; ` +
          `V8 heap used: ${samples.map((s) => s.heapMb.toFixed(0)).join(", ")} MB.` +
          (minutes < 30 ? ` A ${minutes}-minute run shows the trend only; the target needs 30 minutes.` : ""),
      );
      outcome.data = { samples };
    } finally {
      await bot.stop();
      await standIn.stop();
      await database.drop();
    }
    return outcome;
  },
};

/** The bot's V8 heap in use and its external memory, from its /metrics (prom-client's defaults). */
async function heapOf(port: number): Promise<{ heapMb: number; externalMb: number }> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const gauge = (name: string) =>
      Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN) / 1024 / 1024;
    return {
      heapMb: gauge("tasklane_nodejs_heap_size_used_bytes"),
      externalMb: gauge("tasklane_nodejs_external_memory_bytes"),
    };
  } catch {
    return { heapMb: Number.NaN, externalMb: Number.NaN };
  }
}
