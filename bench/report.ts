import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { LatencySummary } from "./stats.ts";
import type { MachineInfo } from "./support/machine.ts";
import type { ScenarioResult, TargetCheck } from "./types.ts";

export interface BenchReport {
  mode: "full" | "quick";
  startedAt: string;
  durationMs: number;
  machine: MachineInfo;
  scenarios: ScenarioResult[];
}

const ms = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? "—" : value < 10 ? value.toFixed(2) : value.toFixed(1);

const rate = (value: number | undefined, unit = "ops/s") =>
  value === undefined || Number.isNaN(value) ? "—" : `${Math.round(value).toLocaleString("en-US")} ${unit}`;

const verdict = (met: boolean | null) => (met === null ? "not measured" : met ? "met" : "**missed**");

function latencyCells(latency: LatencySummary | undefined): string[] {
  return [
    ms(latency?.p50),
    ms(latency?.p95),
    ms(latency?.p99),
    ms(latency?.max),
    String(latency?.count ?? "—"),
  ];
}

function scenarioSection(scenario: ScenarioResult): string[] {
  const lines = [`### ${scenario.title}`, ""];
  if (scenario.error) lines.push(`**failed**: ${scenario.error}`, "");
  if (scenario.rows.length > 0) {
    lines.push("| case | p50 ms | p95 ms | p99 ms | max ms | n | throughput | note |");
    lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for (const row of scenario.rows) {
      const cells = [row.name, ...latencyCells(row.latency), rate(row.throughput, row.unit), row.note ?? ""];
      lines.push(`| ${cells.join(" | ")} |`);
    }
    lines.push("");
  }
  for (const table of scenario.tables ?? []) {
    lines.push(`**${table.title}**`, "", `| ${table.header.join(" | ")} |`);
    lines.push(`| ${table.header.map(() => "---").join(" | ")} |`);
    for (const row of table.rows) lines.push(`| ${row.join(" | ")} |`);
    lines.push("");
  }
  for (const note of scenario.notes) lines.push(`- ${note}`);
  if (scenario.notes.length > 0) lines.push("");
  const load = scenario.load ? `; 1-min load average ${scenario.load[0]} → ${scenario.load[1]}` : "";
  lines.push(`_${(scenario.durationMs / 1000).toFixed(1)} s${load}_`, "");
  return lines;
}

function targetSection(targets: TargetCheck[]): string[] {
  const lines = ["### Targets (issues 7 and 14)", "", "| target | figure | verdict |", "| --- | --- | --- |"];
  for (const target of targets)
    lines.push(`| ${target.target} | ${target.figure} | ${verdict(target.met)} |`);
  return [...lines, ""];
}

export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const load = (values?: number[]) => (values ? values.join(" / ") : "—");
  const header = [
    `## Tasklane benchmarks (${report.mode} run, ${report.startedAt})`,
    "",
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, ${m.os}. ` +
      `Node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis} (servers: ${m.serversFrom}). ` +
      `Commit ${m.gitCommit}.`,
    "",
    `Postgres settings: ${Object.entries(m.postgresSettings)
      .map(([name, value]) => `${name}=${value}`)
      .join(", ")}.`,
    "",
    `Load average (1/5/15 min) at start: ${load(m.loadAtStart)}; at end: ${load(m.loadAtEnd)}. ` +
      `Total ${(report.durationMs / 1000).toFixed(0)} s. Latencies in ms; percentiles are nearest-rank.`,
    "",
  ];
  const targets = report.scenarios.flatMap((scenario) => scenario.targets);
  return [...header, ...targetSection(targets), ...report.scenarios.flatMap(scenarioSection)].join("\n");
}

export function writeReport(report: BenchReport, markdownPath: string, jsonPath: string): string {
  const markdown = renderMarkdown(report);
  mkdirSync(dirname(markdownPath), { recursive: true });
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(markdownPath, `${markdown}\n`);
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  return markdown;
}
