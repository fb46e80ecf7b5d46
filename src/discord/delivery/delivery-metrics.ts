import { Counter, type Registry } from "prom-client";

export interface DeliveryCounts {
  sent: number;
  skipped: number;
  coalesced: number;
  retried: number;
  dead: number;
}

export interface DeliveryMetrics {
  sent(kind: string): void;
  /** Nothing to send any more (task gone, card already current, assignment superseded). */
  skipped(kind: string): void;
  /** Rows answered by another row's send of the same coalesce key. */
  coalesced(kind: string, rows: number): void;
  retried(kind: string, reason: string): void;
  dead(kind: string): void;
  counts(): DeliveryCounts;
}

/** In-process counts always (tests, logs); Prometheus counters too when a registry is given. */
export function createDeliveryMetrics(registry?: Registry): DeliveryMetrics {
  const counts: DeliveryCounts = { sent: 0, skipped: 0, coalesced: 0, retried: 0, dead: 0 };
  const counter = (name: string, help: string, labelNames: string[]) =>
    registry ? new Counter({ name, help, labelNames, registers: [registry] }) : undefined;
  const sent = counter("tasklane_outbox_sent_total", "Outbox messages delivered to Discord", ["kind"]);
  const skipped = counter("tasklane_outbox_skipped_total", "Outbox rows with nothing left to send", ["kind"]);
  const coalesced = counter(
    "tasklane_outbox_coalesced_total",
    "Outbox rows answered by one send of the same card",
    ["kind"],
  );
  const retried = counter("tasklane_outbox_retries_total", "Outbox sends that failed and were rescheduled", [
    "kind",
    "reason",
  ]);
  const dead = counter("tasklane_outbox_dead_total", "Outbox rows parked as dead after their last failure", [
    "kind",
  ]);
  return {
    sent(kind) {
      counts.sent += 1;
      sent?.inc({ kind });
    },
    skipped(kind) {
      counts.skipped += 1;
      skipped?.inc({ kind });
    },
    coalesced(kind, rows) {
      counts.coalesced += rows;
      coalesced?.inc({ kind }, rows);
    },
    retried(kind, reason) {
      counts.retried += 1;
      retried?.inc({ kind, reason });
    },
    dead(kind) {
      counts.dead += 1;
      dead?.inc({ kind });
    },
    counts: () => ({ ...counts }),
  };
}
