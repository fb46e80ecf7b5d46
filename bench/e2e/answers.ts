import { CallbackType } from "../../test/stand-in/index.ts";
import { summarize } from "../stats.ts";
import type { ResultRow } from "../types.ts";
import type { InteractionKind } from "./interaction-mix.ts";
import type { Sent } from "./open-loop.ts";

const DEFERRED = new Set<number>([CallbackType.DeferredChannelMessage, CallbackType.DeferredUpdateMessage]);

/** ms from dispatch until the user sees the answer: the callback itself, or the fill-in of a deferral. */
function fullAnswerMs(sent: Sent): number | undefined {
  const { record } = sent;
  if (!record.callback) return undefined;
  if (!DEFERRED.has(record.callback.type)) return record.callback.latencyMs;
  const filled = record.events.find(
    (e) => e.kind === "original-edited" || e.kind === "followup" || e.kind === "message-edited",
  );
  return filled ? filled.at - record.dispatchedAt : undefined;
}

export interface StepFigures {
  rows: ResultRow[];
  p99: number;
  /** Interactions with no first response within Discord's 3 s (late or never). */
  pastDeadline: number;
  sent: number;
}

/** One step's rows: everything together, then per kind of interaction. */
export function stepFigures(label: string, rate: number, durationMs: number, sent: Sent[]): StepFigures {
  const answered = sent.filter((s) => s.record.callback);
  const firstResponse = answered.map((s) => s.record.callback!.latencyMs);
  const fromSchedule = answered.map((s) => s.record.callback!.latencyMs + s.lagMs);
  const full = sent.map(fullAnswerMs).filter((ms): ms is number => ms !== undefined);
  const pastDeadline = sent.length - answered.length + firstResponse.filter((ms) => ms > 3_000).length;
  const all = summarize(firstResponse);
  const lag = summarize(sent.map((s) => s.lagMs));
  const rows: ResultRow[] = [
    {
      name: `${label}: all interactions (offered ${rate}/s)`,
      latency: all,
      throughput: (answered.length / durationMs) * 1000,
      unit: "answered/s",
      note:
        `${sent.length} sent, ${sent.length - answered.length} unanswered, ${pastDeadline} past 3 s; ` +
        `from schedule p99 ${summarize(fromSchedule).p99.toFixed(1)} ms (sender lag p99 ${lag.p99.toFixed(1)} ms); ` +
        `full answer p50/p99 ${summarize(full).p50.toFixed(1)}/${summarize(full).p99.toFixed(1)} ms`,
    },
  ];
  const kinds = [...new Set(sent.map((s) => s.kind))].sort() as InteractionKind[];
  for (const kind of kinds) {
    const ofKind = sent.filter((s) => s.kind === kind);
    const latencies = ofKind.filter((s) => s.record.callback).map((s) => s.record.callback!.latencyMs);
    const typeCounts = new Map<number, number>();
    for (const s of ofKind) {
      if (s.record.callback)
        typeCounts.set(s.record.callback.type, (typeCounts.get(s.record.callback.type) ?? 0) + 1);
    }
    const types = [...typeCounts.entries()].map(([type, count]) => `${type}×${count}`);
    rows.push({
      name: `${label}: ${kind}`,
      latency: summarize(latencies),
      throughput: (latencies.length / durationMs) * 1000,
      unit: "answered/s",
      note: `first callbacks by type ${types.join(", ")}; full answer p99 ${summarize(ofKind.map(fullAnswerMs).filter((ms): ms is number => ms !== undefined)).p99.toFixed(1)} ms`,
    });
  }
  return { rows, p99: all.p99, pastDeadline, sent: sent.length };
}
