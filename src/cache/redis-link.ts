import type { Redis } from "ioredis";
import type { Logger } from "../log.ts";
import type { CacheCounters } from "./cache-metrics.ts";
import { CircuitBreaker } from "./circuit-breaker.ts";
import type { KeyLayout } from "./keys.ts";
import { PendingInvalidations } from "./pending-invalidations.ts";

export interface RedisLinkOptions {
  client: Redis;
  keys: KeyLayout;
  log: Logger;
  counters: CacheCounters;
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How often an open breaker probes Redis. */
  probeIntervalMs: number;
  /** A command with no answer by then fails (see `withinTimeout`); none when omitted. */
  commandTimeoutMs?: number;
}

export interface RedisLink {
  /**
   * Runs a Redis command unless the breaker is open. Never throws: a failure or an open breaker
   * answers `fallback()`. `staleOnFailure` lists keys that may hold a stale value when the command
   * did not certainly run; they are deleted before Redis is trusted again.
   */
  run<T>(command: () => Promise<T>, fallback: () => T, staleOnFailure?: readonly string[]): Promise<T>;
  available(): boolean;
  /** Rises every time Redis becomes trusted again: what was learned from it before may be void. */
  generation(): number;
  /** Resolves true once Redis is trusted, or false after `ms`; warns once when it is not. */
  waitUntilAvailable(ms: number): Promise<boolean>;
  stop(): void;
}

/**
 * One breaker per cache. It opens after a few consecutive failures, and at once when the connection
 * closes or a write may not have landed. It closes only after a background probe has made Redis
 * trustworthy: a server other than the one this prefix was validated against (restart, failover,
 * restore from an old snapshot) gets the whole prefix flushed; otherwise the keys this process could
 * not invalidate during the outage are deleted. One warning per outage, one info on recovery.
 */
export function createRedisLink(options: RedisLinkOptions): RedisLink {
  const { client, keys, log, counters } = options;
  const breaker = new CircuitBreaker(options.failureThreshold);
  const pending = new PendingInvalidations();
  let outage = { startedAt: Date.now(), warned: false };
  let probing: Promise<void> | undefined;
  let stopped = false;
  let generation = 0;
  const waiters = new Set<() => void>();

  const warnOnce = (reason: string, error?: unknown) => {
    if (outage.warned || stopped) return;
    outage.warned = true;
    log.warn({ reason, err: error }, "redis unavailable, serving from Postgres");
  };

  const open = (reason: string, error?: unknown) => {
    if (!breaker.trip()) return;
    outage = { startedAt: Date.now(), warned: false };
    warnOnce(reason, error);
  };

  const closeWhenClean = () => {
    if (pending.size > 0 || pending.needsFullFlush || stopped || client.status !== "ready") return;
    breaker.close();
    generation += 1;
    const outageMs = Date.now() - outage.startedAt;
    if (outage.warned) log.info({ outageMs }, "redis available again, cache resumed");
    else log.debug({ outageMs }, "redis cache connected");
    for (const wake of waiters) wake();
  };

  const makeTrustworthy = async () => {
    const runId = parseRunId(await client.info("server"));
    const validatedFor = await client.get(keys.serverMarker);
    if (validatedFor !== runId || pending.needsFullFlush) {
      const listed = pending.snapshot();
      const flushed = await flushPrefix(client, keys.everything);
      await client.set(keys.serverMarker, runId, "EX", MARKER_TTL_SECONDS);
      pending.settleFlush(listed);
      if (validatedFor !== null)
        log.info({ flushed }, "redis server changed or writes were lost: cache flushed");
    }
    for (let listed = pending.snapshot(); listed.length > 0; listed = pending.snapshot()) {
      const batch = listed.slice(0, 500);
      await client.unlink(...batch);
      pending.settle(batch);
    }
    // No await between the last check of `pending` and closing: nothing can slip in between.
    closeWhenClean();
  };

  const probe = () => {
    if (probing || stopped || breaker.allows() || client.status !== "ready") return;
    probing = makeTrustworthy()
      .catch((error: unknown) => log.debug({ err: error }, "redis probe failed"))
      .finally(() => {
        probing = undefined;
      });
  };

  client.on("ready", probe);
  client.on("close", () => open("connection closed"));
  client.on("error", (error: unknown) => log.debug({ err: error }, "redis connection error"));
  const timer = setInterval(probe, options.probeIntervalMs);
  timer.unref();

  return {
    async run(command, fallback, staleOnFailure) {
      if (!breaker.allows()) {
        if (staleOnFailure) pending.add(staleOnFailure);
        counters.increment("fallbacks");
        return fallback();
      }
      try {
        const result = await withinTimeout(command(), options.commandTimeoutMs);
        breaker.recordSuccess();
        return result;
      } catch (error) {
        counters.increment("errors");
        counters.increment("fallbacks");
        if (staleOnFailure) {
          pending.add(staleOnFailure);
          open("a write may not have reached redis", error);
        } else if (breaker.recordFailure()) {
          outage = { startedAt: Date.now(), warned: false };
          warnOnce("commands failing", error);
        }
        return fallback();
      }
    },
    available: () => breaker.allows(),
    generation: () => generation,
    waitUntilAvailable(ms) {
      if (breaker.allows()) return Promise.resolve(true);
      return new Promise((resolve) => {
        const finish = (value: boolean) => {
          clearTimeout(timeout);
          waiters.delete(wake);
          if (!value) warnOnce("not reachable");
          resolve(value);
        };
        const wake = () => finish(breaker.allows());
        const timeout = setTimeout(() => finish(false), ms);
        waiters.add(wake);
        probe();
      });
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const wake of waiters) wake();
    },
  };
}

export class CommandTimeoutError extends Error {
  constructor(ms: number) {
    super(`Command timed out (no answer from redis within ${ms} ms)`);
  }
}

/**
 * Rejects when `promise` has not settled `ms` after the call. A timer that fires late because this
 * process's own event loop was busy must not blame Redis for it: the command may have gone out only
 * when the loop was free again (auto-pipelined writes wait for the tick to end), or its answer may be
 * read off the socket and waiting for the loop's I/O phase. So a late timer is armed once more for
 * `ms`, and the verdict always waits one more turn (setImmediate runs after the I/O phase): only an
 * answer still missing then counts as slow.
 */
function withinTimeout<T>(promise: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const arm = (rearmed: boolean): NodeJS.Timeout => {
      const due = performance.now() + ms;
      return setTimeout(() => {
        if (settled) return;
        if (!rearmed && performance.now() - due > ms / 2) {
          timer = arm(true);
          return;
        }
        setImmediate(() => {
          if (settled) return;
          settled = true;
          reject(new CommandTimeoutError(ms));
        });
      }, ms);
    };
    let timer = arm(false);
    promise.then(
      (value) => {
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** An expired marker only costs one extra flush of a prefix that has been idle for a week. */
const MARKER_TTL_SECONDS = 7 * 24 * 3600;

function parseRunId(info: string): string {
  const match = /^run_id:(\w+)/m.exec(info);
  if (!match) throw new Error("redis INFO has no run_id");
  return match[1]!;
}

async function flushPrefix(client: Redis, pattern: string): Promise<number> {
  let cursor = "0";
  let flushed = 0;
  do {
    const [next, found] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    if (found.length > 0) flushed += await client.unlink(...found);
    cursor = next;
  } while (cursor !== "0");
  return flushed;
}
