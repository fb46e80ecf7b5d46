import type { LatencySummary } from "./stats.ts";

/** A target from issue 7, checked against one figure. `met: null` = not measured in this run. */
export interface TargetCheck {
  target: string;
  figure: string;
  met: boolean | null;
}

/** One line of the results table. Latencies in ms; throughput in operations per second. */
export interface ResultRow {
  name: string;
  latency?: LatencySummary;
  throughput?: number;
  /** What one operation is, e.g. "claims/s" (default "ops/s"). */
  unit?: string;
  note?: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  rows: ResultRow[];
  targets: TargetCheck[];
  /** Free text lines printed under the scenario's table (setup, sizes, caveats). */
  notes: string[];
  /** Extra tables printed under the main one (e.g. index sizes). */
  tables?: { title: string; header: string[]; rows: string[][] }[];
  /** Anything machine-readable worth keeping in results.json (e.g. index sizes). */
  data?: Record<string, unknown>;
  durationMs: number;
  /** 1-minute load average when the scenario started and ended (this machine is shared). */
  load?: [number, number];
  error?: string;
}

export interface Servers {
  /** A superuser URL on the Postgres server; the bench creates its own databases there. */
  postgresUrl: string;
  redisUrl: string;
  /** Where they came from (env, testcontainers, local binaries, dev servers). */
  source: string;
  stop(): Promise<void>;
}

export interface BenchContext {
  quick: boolean;
  /** Profile what the scenario drives (e2e: the bot process) with --cpu-prof. */
  profile: boolean;
  servers: Servers;
  /** A run-unique token for database names and Redis prefixes. */
  runId: string;
  progress(message: string): void;
}

export interface Scenario {
  id: string;
  title: string;
  /** Long-running: only with `--only <id>`. */
  optIn?: boolean;
  run(context: BenchContext): Promise<Omit<ScenarioResult, "id" | "title" | "durationMs">>;
}
