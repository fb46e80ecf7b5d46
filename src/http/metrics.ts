import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { CacheMetricsSnapshot } from "../cache/types.ts";
import type { OperatorSnapshot } from "../services/views.ts";

export interface MetricsRegistryOptions {
  /** Process metrics (CPU, memory, event loop lag) under the `tasklane_` prefix; default true. */
  defaultMetrics?: boolean;
}

/**
 * The registry the metrics endpoint serves (a Registry satisfies the server's MetricsSource).
 * Other modules add their own metrics to it with `registers: [registry]`.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "tasklane_" });
  return registry;
}

export interface CacheMetricsSource {
  kind: "redis" | "memory";
  metrics(): CacheMetricsSnapshot;
}

const CACHE_COUNTERS = {
  hits: "Task view reads answered by the cache",
  misses: "Task view reads the cache could not answer (including while it was unavailable)",
  errors: "Cache commands that failed or timed out",
  gateRefusals: "Creates refused by the queue-limit gate without touching Postgres",
  fallbacks:
    "Cache calls answered without Redis (miss, unknown, per-process bucket) while it was unavailable",
} satisfies Record<Exclude<keyof CacheMetricsSnapshot, "available">, string>;

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** Reads the cache's counters at scrape time: tasklane_cache_<name>_total and tasklane_cache_available. */
export function registerCacheMetrics(registry: Registry, cache: CacheMetricsSource): void {
  for (const [name, help] of Object.entries(CACHE_COUNTERS) as [keyof typeof CACHE_COUNTERS, string][]) {
    new Counter({
      name: `tasklane_cache_${snakeCase(name)}_total`,
      help,
      labelNames: ["kind"],
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ kind: cache.kind }, cache.metrics()[name]);
      },
    });
  }
  new Gauge({
    name: "tasklane_cache_available",
    help: "1 while the cache serves from its store, 0 while Redis is unavailable and fallbacks answer",
    labelNames: ["kind"],
    registers: [registry],
    collect() {
      this.set({ kind: cache.kind }, cache.metrics().available ? 1 : 0);
    },
  });
}

export interface OperatorMetricsSource {
  snapshot(): Promise<OperatorSnapshot>;
}

/**
 * Gauges from the operations service's rollup (one per scrape window, shared by all of them):
 * tasklane_tasks{status}, tasklane_queue_depth{guild_id,channel_id} (the deepest channels),
 * tasklane_outbox_pending, tasklane_outbox_oldest_pending_seconds, tasklane_outbox_dead_rows,
 * tasklane_reminders_due.
 */
export function registerOperatorMetrics(registry: Registry, source: OperatorMetricsSource): void {
  const gauge = (
    name: string,
    help: string,
    labelNames: string[],
    read: (gauge: Gauge, s: OperatorSnapshot) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const snapshot = await source.snapshot();
        this.reset();
        read(this, snapshot);
      },
    });
  gauge("tasklane_tasks", "Tasks per status, all servers", ["status"], (g, s) => {
    for (const [status, count] of Object.entries(s.tasksByStatus)) g.set({ status }, count);
  });
  gauge(
    "tasklane_queue_depth",
    "Open tasks waiting in a channel's queue (the deepest channels)",
    ["guild_id", "channel_id"],
    (g, s) => {
      for (const queue of s.queues)
        g.set({ guild_id: queue.guildId, channel_id: queue.channelId }, queue.depth);
    },
  );
  gauge("tasklane_outbox_pending", "Outbox messages waiting to be delivered to Discord", [], (g, s) =>
    g.set(s.outbox.pending),
  );
  gauge(
    "tasklane_outbox_oldest_pending_seconds",
    "Age of the oldest undelivered outbox message (0 when none is pending)",
    [],
    (g, s) => g.set(s.outbox.oldestPendingSeconds),
  );
  gauge(
    "tasklane_outbox_dead_rows",
    "Outbox messages given up on (state dead), kept for inspection",
    [],
    (g, s) => g.set(s.outbox.dead),
  );
  gauge(
    "tasklane_reminders_due",
    "Due-date reminders whose time has come and that are not sent yet (should stay near 0)",
    [],
    (g, s) => g.set(s.remindersDue),
  );
}
