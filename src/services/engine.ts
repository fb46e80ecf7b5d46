import type { Cache } from "../cache/types.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../domain/backoff.ts";
import type { Logger } from "../log.ts";
import type { Database, Db } from "../store/database.ts";
import type { ServiceDeps } from "./contracts.ts";
import { KeyedQueue } from "./keyed-queue.ts";

/** ServiceDeps with every default filled in: what each use case receives. */
export interface Engine {
  database: Database;
  db: Db;
  cache: Cache;
  log: Logger;
  now(): Date;
  retry: RetryPolicy;
  random(): number;
  viewTtlSeconds: number;
  /** Gate counters being rebuilt by this instance, per channel: a burst waits for one rebuild. */
  gateSeeds: Map<string, Promise<void>>;
  /** Turns for the writes that serialise on one row anyway: a limited channel's creates, a guild's imports. */
  creates: KeyedQueue;
}

export function createEngine(deps: ServiceDeps): Engine {
  return {
    database: deps.database,
    db: deps.database.db,
    cache: deps.cache,
    log: deps.log,
    now: deps.now ?? (() => new Date()),
    retry: { ...DEFAULT_RETRY_POLICY, ...deps.retry },
    random: deps.random ?? Math.random,
    viewTtlSeconds: deps.viewTtlSeconds ?? 60,
    gateSeeds: new Map(),
    creates: new KeyedQueue(),
  };
}
