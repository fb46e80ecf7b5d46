import type { InteractionRecord } from "./interactions/record.ts";

export interface InteractionLatency {
  id: string;
  label: string;
  kind: string;
  callbackType: number;
  /** ms from dispatch of INTERACTION_CREATE to the arrival of the first accepted callback */
  latencyMs: number;
}

export interface LatencySummary {
  dispatched: number;
  acknowledged: number;
  /** interactions whose callback came too late (10062) or never came */
  unanswered: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function latencies(records: InteractionRecord[]): InteractionLatency[] {
  return records.flatMap((r) =>
    r.callback
      ? [
          {
            id: r.id,
            label: r.label,
            kind: r.kind,
            callbackType: r.callback.type,
            latencyMs: r.callback.latencyMs,
          },
        ]
      : [],
  );
}

export function summarize(records: InteractionRecord[]): LatencySummary {
  const values = latencies(records)
    .map((l) => l.latencyMs)
    .sort((a, b) => a - b);
  const at = (q: number) =>
    values.length === 0 ? Number.NaN : values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]!;
  return {
    dispatched: records.length,
    acknowledged: values.length,
    unanswered: records.length - values.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: values.length ? values[values.length - 1]! : Number.NaN,
    mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN,
  };
}
