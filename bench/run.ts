import { parseArgs } from "node:util";
import { type BenchReport, writeReport } from "./report.ts";
import { scenarios } from "./scenarios/index.ts";
import { describeMachine, loadAverage } from "./support/machine.ts";
import { discoverServers } from "./support/servers.ts";
import type { BenchContext, ScenarioResult } from "./types.ts";

const USAGE = `npm run bench [-- options]
  --quick           smoke run, under 3 minutes: smaller counts, one e2e step, 100k-task scale only
  --only a,b        run only these scenarios (soak runs only when named: SOAK_MINUTES, default 30) (${scenarios.map((s) => s.id).join(", ")})
  --skip a,b        run all but these
  --out-dir dir     where results.md / results.json go (default bench/)
  --profile         e2e: run the bot under node --cpu-prof (profiles in bench/.tmp/profile-e2e/);
                    other scenarios: run the bench itself with node --cpu-prof --import tsx bench/run.ts
  env SCALE_SIZES=1000000       scale: only these task counts (default 100k and 1M; quick: 100k)
  env SCALE_QUERIES=search,review  scale: only the query shapes whose name contains one of these
  env SCALE_KEEP_DB=1           scale: keep the seeded database per size across runs (bench_scale_keep_1m),
                                with BENCH_DATABASE_URL naming a server that outlives the run`;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    skip: { type: "string" },
    "out-dir": { type: "string", default: "bench" },
    profile: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const list = (value?: string) => (value ? value.split(",").map((id) => id.trim()) : undefined);
const only = list(values.only);
const skip = list(values.skip) ?? [];
const chosen = scenarios.filter((s) => (only ? only.includes(s.id) : !s.optIn) && !skip.includes(s.id));
const unknown = [...(only ?? []), ...skip].filter((id) => !scenarios.some((s) => s.id === id));
if (unknown.length > 0) {
  console.error(`unknown scenario: ${unknown.join(", ")}\n\n${USAGE}`);
  process.exit(2);
}

const started = performance.now();
const progress = (message: string) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);

const servers = await discoverServers();
progress(`servers from ${servers.source}`);
const machine = await describeMachine(servers);
const context: BenchContext = {
  quick: values.quick,
  profile: values.profile,
  servers,
  runId: `${Date.now().toString(36)}${process.pid}`,
  progress,
};

const results: ScenarioResult[] = [];
try {
  for (const scenario of chosen) {
    progress(`scenario ${scenario.id}`);
    const scenarioStart = performance.now();
    const loadBefore = loadAverage()[0]!;
    try {
      const outcome = await scenario.run(context);
      results.push({
        id: scenario.id,
        title: scenario.title,
        ...outcome,
        durationMs: performance.now() - scenarioStart,
        load: [loadBefore, loadAverage()[0]!],
      });
    } catch (error) {
      progress(`scenario ${scenario.id} failed: ${(error as Error).stack}`);
      results.push({
        id: scenario.id,
        title: scenario.title,
        rows: [],
        targets: [],
        notes: [],
        error: (error as Error).message,
        durationMs: performance.now() - scenarioStart,
        load: [loadBefore, loadAverage()[0]!],
      });
    }
  }
} finally {
  await servers.stop();
}

machine.loadAtEnd = loadAverage();
const report: BenchReport = {
  mode: values.quick ? "quick" : "full",
  startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
  durationMs: performance.now() - started,
  machine,
  scenarios: results,
};
const outDir = values["out-dir"];
console.log(writeReport(report, `${outDir}/results.md`, `${outDir}/results.json`));
process.exit(results.some((result) => result.error) ? 1 : 0);
