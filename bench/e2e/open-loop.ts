import type { InteractionRecord } from "../../test/stand-in/index.ts";
import type { InteractionKind } from "./interaction-mix.ts";

export interface Sent {
  kind: InteractionKind;
  record: InteractionRecord;
  /** performance.now() the schedule said to send it at, and how late it really went. */
  scheduledAt: number;
  lagMs: number;
}

/**
 * Open loop: interaction i goes out at start + i/rate whatever happened to the earlier ones, so a
 * slow bot cannot slow the load down and hide its own latency (no coordinated omission).
 */
export async function runOpenLoop(
  rate: number,
  durationMs: number,
  send: () => { kind: InteractionKind; record: InteractionRecord },
): Promise<Sent[]> {
  const total = Math.round((rate * durationMs) / 1000);
  const interval = 1000 / rate;
  const sent: Sent[] = [];
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent.length < total && start + sent.length * interval <= now) {
        const scheduledAt = start + sent.length * interval;
        const { kind, record } = send();
        sent.push({ kind, record, scheduledAt, lagMs: record.dispatchedHr - scheduledAt });
      }
      if (sent.length >= total) {
        resolve();
        return;
      }
      setTimeout(tick, Math.max(0, start + sent.length * interval - performance.now()));
    };
    tick();
  });
  return sent;
}

/** Resolves once every interaction is `answered` (default: has its first callback), or after `graceMs`. */
export async function waitForAnswers(
  sent: Sent[],
  graceMs: number,
  answered: (s: Sent) => boolean = (s) => s.record.callback !== undefined,
): Promise<void> {
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline && sent.some((s) => !answered(s))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
