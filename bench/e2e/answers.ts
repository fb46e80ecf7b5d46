import { CallbackType } from "../../test/stand-in/index.ts";
import { type LatencySummary, summarize } from "../stats.ts";
import type { ResultRow } from "../types.ts";
import type { InteractionKind } from "./interaction-mix.ts";
import type { MessageEdits } from "./message-edits.ts";
import type { Sent } from "./open-loop.ts";

const DISCORD_WINDOW_MS = 3_000;

/**
 * ms from dispatch until the user sees the answer. An immediate reply (4), a click's own update (7), a
 * form or choices: the callback. A deferred reply (5): the moment its content arrives (the edit of
 * @original, or a follow-up). A deferred click (6): the moment the clicked card shows the new state,
 * whether the click's own edit or the outbox's channel edit got there first. Undefined: never seen.
 */
export function answerSeenMs(sent: Sent, edits: MessageEdits): number | undefined {
  const { record } = sent;
  const callback = record.callback;
  if (!callback) return undefined;
  const filledAt = (kinds: readonly string[]) => record.events.find((e) => kinds.includes(e.kind))?.at;
  let seenAt: number | undefined;
  if (callback.type === CallbackType.DeferredChannelMessage) {
    seenAt = filledAt(["original-edited", "followup"]);
  } else if (callback.type === CallbackType.DeferredUpdateMessage) {
    const viaWebhook = filledAt(["original-edited", "message-edited"]);
    const viaChannel = record.originalMessageId
      ? edits.firstAfter(record.originalMessageId, callback.at)
      : undefined;
    const candidates = [viaWebhook, viaChannel].filter((at): at is number => at !== undefined);
    seenAt = candidates.length ? Math.min(...candidates) : undefined;
  } else {
    return callback.latencyMs;
  }
  return seenAt === undefined ? undefined : seenAt - record.dispatchedAt;
}

export interface KindFigures {
  seen: LatencySummary;
  ack: LatencySummary;
  /** Answers seen later than 3 s, or never. */
  seenPast3s: number;
  /** No acknowledgement within Discord's 3 s (Discord shows "The application did not respond"). */
  ackPast3s: number;
  sent: number;
  /** First callbacks by type, e.g. "4×120, 7×80". */
  types: string;
}

export interface StepFigures {
  rows: ResultRow[];
  all: KindFigures;
  byKind: Map<InteractionKind, KindFigures>;
}

function figuresOf(sent: Sent[], edits: MessageEdits): KindFigures {
  const seen = sent.map((s) => answerSeenMs(s, edits));
  const acks = sent.filter((s) => s.record.callback).map((s) => s.record.callback!.latencyMs);
  const typeCounts = new Map<number, number>();
  for (const s of sent) {
    const type = s.record.callback?.type;
    if (type !== undefined) typeCounts.set(type, (typeCounts.get(type) ?? 0) + 1);
  }
  return {
    seen: summarize(seen.filter((ms): ms is number => ms !== undefined)),
    ack: summarize(acks),
    seenPast3s: seen.filter((ms) => ms === undefined || ms > DISCORD_WINDOW_MS).length,
    ackPast3s: sent.length - acks.length + acks.filter((ms) => ms > DISCORD_WINDOW_MS).length,
    sent: sent.length,
    types: [...typeCounts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([type, count]) => `${type}×${count}`)
      .join(", "),
  };
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : "n/a");

function rowOf(name: string, f: KindFigures, durationMs: number, extra = ""): ResultRow {
  return {
    name,
    latency: f.seen,
    throughput: (f.seen.count / durationMs) * 1000,
    unit: "answers seen/s",
    note:
      `${f.sent} sent; answer seen past 3 s (or never): ${f.seenPast3s}; ack p50/p99 ${ms(f.ack.p50)}/${ms(f.ack.p99)}, ` +
      `ack past 3 s (or never): ${f.ackPast3s}; first callbacks by type ${f.types}${extra}`,
  };
}

/** One step's rows: the latency column is *answer seen*; ack latency and the counts past 3 s beside it. */
export function stepFigures(
  label: string,
  rate: number,
  durationMs: number,
  sent: Sent[],
  edits: MessageEdits,
): StepFigures {
  const all = figuresOf(sent, edits);
  const lag = summarize(sent.map((s) => s.lagMs));
  const rows: ResultRow[] = [
    rowOf(
      `${label}: all interactions, answer seen (offered ${rate}/s)`,
      all,
      durationMs,
      `; sender lag behind the open-loop schedule p99 ${ms(lag.p99)}`,
    ),
  ];
  const byKind = new Map<InteractionKind, KindFigures>();
  const kinds = [...new Set(sent.map((s) => s.kind))].sort() as InteractionKind[];
  for (const kind of kinds) {
    const figures = figuresOf(
      sent.filter((s) => s.kind === kind),
      edits,
    );
    byKind.set(kind, figures);
    rows.push(rowOf(`${label}: ${kind}, answer seen`, figures, durationMs));
  }
  return { rows, all, byKind };
}
