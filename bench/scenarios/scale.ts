import pg from "pg";
import { summarize } from "../stats.ts";
import { type BenchDatabase, createBenchDatabase, databaseUrl } from "../support/databases.ts";
import { seedTasks, tasksInGuild } from "../support/seed-tasks.ts";
import { openServiceHarness } from "../support/service-harness.ts";
import type { BenchContext, Scenario, ScenarioResult } from "../types.ts";
import { megabytes, relationSizes } from "./scale/index-sizes.ts";
import { type ScaleQuery, scaleQueries } from "./scale/scale-queries.ts";

const GUILDS = 20;
const CHANNELS_PER_GUILD = 20;
const TARGET_MS = 20;
/** Each query shape runs `repetitions` times or until its time budget is spent, but at least this often. */
const MIN_SAMPLES = 10;

/** One untimed call first (plans and connections warm, as in a running bot), then the timed ones. */
async function timeQuery(
  query: ScaleQuery,
  budgetMs: number,
): Promise<{ samples: number[]; errors: string[]; totals: number[] }> {
  const samples: number[] = [];
  const errors: string[] = [];
  const totals: number[] = [];
  const attempt = async (i: number, timed: boolean) => {
    try {
      await query.prepare?.(i);
      const start = performance.now();
      const result = await query.call(i);
      if (timed) samples.push(performance.now() - start);
      const total = (result as { total?: unknown } | undefined)?.total;
      if (timed && typeof total === "number") totals.push(total);
    } catch (error) {
      errors.push((error as Error).message.split("\n")[0]!.slice(0, 120));
    }
  };
  await attempt(-1, false);
  const deadline = performance.now() + budgetMs;
  for (let i = 0; i < query.repetitions && (i < MIN_SAMPLES || performance.now() < deadline); i++) {
    await attempt(i, true);
  }
  return { samples, errors, totals };
}

/**
 * A fresh database seeded with `shape`; with SCALE_KEEP_DB=1 one database per size is kept across runs
 * (`bench_scale_keep_<size>`, reused when it holds the seeded task count, never dropped): comparing two
 * builds of the read paths then costs no reseeding. Point BENCH_DATABASE_URL at a server that outlives
 * the run. Migrations are applied on reuse too, so a new migration reaches the kept database.
 */
async function seededDatabase(
  context: BenchContext,
  label: string,
  shape: { tasks: number; guilds: number; channelsPerGuild: number },
): Promise<{ database: BenchDatabase; phases: Record<string, number> }> {
  if (process.env.SCALE_KEEP_DB === "1") {
    const name = `bench_scale_keep_${label.toLowerCase()}`;
    const kept = await keptTaskCount(databaseUrl(context.servers.postgresUrl, name));
    if (kept === shape.tasks) {
      context.progress(`scale: reusing ${name} (${label} tasks)`);
      const database = await createBenchDatabase(context.servers.postgresUrl, name, {
        migrate: true,
        reuse: true,
      });
      return { database: { ...database, drop: async () => undefined }, phases: { reused: 0 } };
    }
    context.progress(`scale: seeding ${label} tasks into ${name} (kept)`);
    const database = await createBenchDatabase(context.servers.postgresUrl, name, { migrate: true });
    const phases = await seedTasks(database.url, shape);
    return { database: { ...database, drop: async () => undefined }, phases };
  }
  context.progress(`scale: seeding ${label} tasks`);
  const database = await createBenchDatabase(
    context.servers.postgresUrl,
    `bench_${context.runId}_scale_${label}`,
    { migrate: true },
  );
  return { database, phases: await seedTasks(database.url, shape) };
}

/** The task count of a kept database, or null when it does not exist (or has no tasks table yet). */
async function keptTaskCount(url: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const result = await client.query<{ count: string }>("SELECT count(*) AS count FROM tasks");
    return Number(result.rows[0]!.count);
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

type Outcome = Omit<ScenarioResult, "id" | "title" | "durationMs">;

/** Seeds `size` tasks, then times each query shape through the real service functions, one at a time. */
async function measureSize(context: BenchContext, size: number, outcome: Outcome): Promise<void> {
  const label = size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1_000}k`;
  const shape = { tasks: size, guilds: GUILDS, channelsPerGuild: CHANNELS_PER_GUILD };
  const seedStarted = performance.now();
  const { database, phases } = await seededDatabase(context, label, shape);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const harness = await openServiceHarness(context, `scale_${label}`, { database });
  try {
    const busy = tasksInGuild(shape, 0);
    const repetitions = context.quick ? 60 : 300;
    const budgetMs = context.quick ? 4_000 : 20_000;
    const queries = scaleQueries(
      harness.service,
      harness.cache,
      { tasksInBusyGuild: busy, channelsPerGuild: CHANNELS_PER_GUILD },
      repetitions,
    );
    const only = process.env.SCALE_QUERIES?.split(",").map((part) => part.trim().toLowerCase());
    const chosen = only ? queries.filter((query) => only.some((part) => query.name.includes(part))) : queries;
    context.progress(`scale ${label}: ${chosen.length} queries × ${repetitions}`);
    for (const query of chosen) {
      const { samples, errors, totals } = await timeQuery(query, budgetMs);
      const notes = [
        ...(totals.length > 0
          ? [
              `matches ${Math.round(totals.reduce((a, b) => a + b, 0) / totals.length).toLocaleString("en-US")} on average (page total)`,
            ]
          : []),
        ...(errors.length > 0 ? [`${errors.length} failed: ${errors[0]}`] : []),
      ];
      const latency = summarize(samples);
      outcome.rows.push({
        name: `${label}: ${query.name}`,
        latency,
        throughput: (samples.length / samples.reduce((sum, value) => sum + value, 0)) * 1000,
        unit: "queries/s (serial)",
        note: notes.join("; "),
      });
      if (query.targeted && size >= 1_000_000) {
        const targetMs = query.targetMs ?? TARGET_MS;
        outcome.targets.push({
          target: `1M tasks: ${query.name} p99 < ${targetMs} ms`,
          figure: `${latency.p99.toFixed(1)} ms`,
          met: errors.length === 0 && latency.p99 < targetMs,
        });
      }
    }
    const sizes = await relationSizes(database.url, ["tasks", "task_events"]);
    outcome.tables!.push({
      title: `${label} tasks: relation sizes (pg_relation_size)`,
      header: ["table", "relation", "kind", "size"],
      rows: sizes.map((s) => [s.table, s.relation, s.kind, megabytes(s.bytes)]),
    });
    outcome.notes.push(
      `${label}: seeded in ${seedSeconds.toFixed(1)} s (${Object.entries(phases)
        .map(([phase, seconds]) => `${phase} ${seconds} s`)
        .join(
          ", ",
        )}); ${GUILDS} guilds × ${CHANNELS_PER_GUILD} channels, ${busy.toLocaleString("en-US")} tasks in the queried guild.`,
    );
    (outcome.data as Record<string, unknown>)[label] = { phases, seedSeconds, sizes };
  } finally {
    await harness.close();
  }
}

export const scale: Scenario = {
  id: "scale",
  title: "Scale: queries on a large database, through the service functions",
  async run(context) {
    const sizes = process.env.SCALE_SIZES
      ? process.env.SCALE_SIZES.split(",").map(Number)
      : context.quick
        ? [100_000]
        : [100_000, 1_000_000];
    const outcome: Outcome = { rows: [], targets: [], notes: [], tables: [], data: {} };
    for (const size of sizes) await measureSize(context, size, outcome);
    outcome.notes.push(
      "Status mix: 60% done, 5% cancelled, 2% failed, 15% open, 10% in progress, 5% in review, 3% blocked; " +
        "titles and descriptions from a 400-word vocabulary with skewed frequencies; 0–3 labels; ~4 events per task. " +
        "Each query runs one at a time (latency, not load), after ANALYZE and one untimed warm-up call, " +
        "up to 300 times (quick: 60) or until a 20 s budget (quick: 4 s) is spent, at least 10 times.",
    );
    if (!sizes.includes(1_000_000)) {
      outcome.targets.push({
        target: "1M tasks: list, queue, search p99 < 20 ms",
        figure: "quick run: 100k only",
        met: null,
      });
    }
    return outcome;
  },
};
