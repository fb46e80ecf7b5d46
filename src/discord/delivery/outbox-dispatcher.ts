import type { Cache } from "../../cache/types.ts";
import { type RetryPolicy, retryDelayMs } from "../../domain/backoff.ts";
import type { Logger } from "../../log.ts";
import type { ClaimedGroup, ClaimedRow, DeliveryService } from "../../services/contracts.ts";
import { classifyFailure, type DeliveryFailure } from "./delivery-failure.ts";
import { createDeliveryMetrics, type DeliveryCounts, type DeliveryMetrics } from "./delivery-metrics.ts";

/** What one send did: a Discord message id, or null with a note when there was nothing left to send. */
export interface SendResult {
  messageId: string | null;
  note?: string;
}

/** Sends one outbox row (for a coalesced group: the group's latest state). Throws to retry. */
export type OutboxSender = (row: ClaimedRow) => Promise<SendResult>;

export interface DeliveryRetryPolicy extends RetryPolicy {
  /** Counted failures after which a row is parked as dead. */
  maxFailures: number;
}

/**
 * Backoff between tries of one message: 1 s, 2 s, 4 s … capped at 10 min, 10 tries (~17 min of
 * trying). Early retries are quick on purpose: Discord remembers a nonce for a few minutes only.
 */
export const DEFAULT_DELIVERY_RETRY: DeliveryRetryPolicy = {
  baseMs: 1_000,
  capMs: 10 * 60_000,
  jitter: 0.2,
  maxFailures: 10,
};

export interface OutboxDispatcherOptions {
  delivery: DeliveryService;
  cache: Pick<Cache, "signals">;
  log: Logger;
  senders: Record<string, OutboxSender>;
  metrics?: DeliveryMetrics;
  /** Rows claimed per round; their sends run concurrently. */
  batchSize?: number;
  /** Fallback wake-up when no signal arrives. */
  pollMs?: number;
  /** How long a claim hides a row from other instances; must exceed the slowest send. */
  claimMs?: number;
  retry?: Partial<DeliveryRetryPolicy>;
  random?: () => number;
  /**
   * The clock rows are due by; the same one the engine writes next_attempt_at with (a retried
   * assignment is due when the engine's backoff ends). Default: Date.
   */
  now?: () => Date;
}

export interface OutboxDispatcher {
  /** Claims and sends until nothing is due and no send is in flight; resolves with the groups it handled. */
  drain(): Promise<number>;
  /** Stops the loop and waits for sends in flight. */
  stop(): Promise<void>;
  counts(): DeliveryCounts;
}

export function createOutboxDispatcher(options: OutboxDispatcherOptions): OutboxDispatcher {
  const { delivery, cache, log, senders } = options;
  const batchSize = options.batchSize ?? 10;
  const pollMs = options.pollMs ?? 1_000;
  const claimMs = options.claimMs ?? 30_000;
  const retry = { ...DEFAULT_DELIVERY_RETRY, ...options.retry };
  const random = options.random ?? Math.random;
  const clock = options.now;
  const now = () => clock?.() ?? new Date();
  const metrics = options.metrics ?? createDeliveryMetrics();
  let stopped = false;
  let wake: (() => void) | undefined;
  let woken = false;

  const unsubscribe = cache.signals.subscribe((signal) => {
    if (signal.type !== "outbox_ready") return;
    woken = true;
    wake?.();
  });

  const rounds = new Set<Promise<number>>();

  function runRound(): Promise<number> {
    const round = delivery.claimDue(batchSize, claimMs, clock?.()).then(async (groups) => {
      await Promise.all(groups.map(deliverGroup));
      return groups.length;
    });
    rounds.add(round);
    void round.finally(() => rounds.delete(round)).catch(() => undefined);
    return round;
  }

  async function deliverGroup({ leader, ids }: ClaimedGroup): Promise<void> {
    const started = Date.now();
    const context = {
      outboxId: leader.id,
      kind: leader.kind,
      taskId: leader.taskId,
      channelId: leader.channelId,
    };
    const sender = senders[leader.kind];
    if (!sender) {
      await delivery.markDead(ids, `no sender for outbox kind "${leader.kind}"`);
      metrics.dead(leader.kind);
      log.error(context, "outbox row of an unknown kind parked as dead");
      return;
    }
    try {
      const result = await sender(leader);
      await delivery.markSent(ids, result.messageId, result.note ?? null);
      if (result.messageId === null) metrics.skipped(leader.kind);
      else metrics.sent(leader.kind);
      if (ids.length > 1) metrics.coalesced(leader.kind, ids.length - 1);
      log.info(
        {
          ...context,
          messageId: result.messageId,
          note: result.note,
          coalesced: ids.length - 1,
          ms: Date.now() - started,
        },
        result.messageId === null ? "outbox row skipped" : "outbox message delivered",
      );
    } catch (error) {
      await handleFailure(leader, ids, classifyFailure(error), context).catch((failure: unknown) =>
        log.warn(
          { ...context, err: failure },
          "outbox failure not recorded; the claim will expire and retry",
        ),
      );
    }
  }

  async function handleFailure(
    leader: ClaimedRow,
    ids: number[],
    failure: DeliveryFailure,
    context: Record<string, unknown>,
  ): Promise<void> {
    const failures = leader.attempts + 1;
    // Only Discord's own "wait" is free: a row that cannot be sent yet (a card another poster holds)
    // backs off and is parked like any failure, instead of polling forever.
    const counts = failure.kind !== "rate_limited";
    if (failure.kind === "permanent" || (counts && failures >= retry.maxFailures)) {
      await delivery.markDead(ids, failure.message);
      metrics.dead(leader.kind);
      log.error({ ...context, failures, error: failure.message }, "outbox message parked as dead");
      return;
    }
    const delayMs = retryDelay(failure, failures);
    await delivery.scheduleRetry(ids, new Date(now().getTime() + delayMs), failure.message, counts);
    metrics.retried(leader.kind, failure.kind);
    // Waiting for a card the creating interaction is still posting is routine, not a failure.
    const level = failure.kind === "not_ready" ? "debug" : "warn";
    log[level](
      { ...context, failures, reason: failure.kind, delayMs, error: failure.message },
      "outbox send failed",
    );
  }

  function retryDelay(failure: DeliveryFailure, failures: number): number {
    switch (failure.kind) {
      case "rate_limited":
        // Never earlier than Discord asked; a little later at random so many rows don't return at once.
        return Math.ceil(failure.retryAfterMs * (1 + 0.1 * random())) + 10;
      case "not_ready":
        return retryDelayMs(failures, { ...retry, baseMs: failure.retryAfterMs }, random);
      default:
        return retryDelayMs(failures, retry, random);
    }
  }

  async function sleepUntilDueOrWoken(): Promise<void> {
    if (woken) {
      woken = false;
      return;
    }
    const untilDue = await delivery.msUntilNextDue(clock?.()).catch(() => null);
    await pause(Math.min(pollMs, untilDue ?? pollMs));
    woken = false;
  }

  /** Sleeps `ms`, or less when a signal or stop() wakes it. */
  async function pause(ms: number): Promise<void> {
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      if (woken || stopped) return resolve();
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = undefined;
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        const handled = await runRound();
        if (handled === batchSize) continue;
      } catch (error) {
        log.warn({ err: error }, "outbox round failed; retrying after the poll interval");
        await pause(pollMs);
        continue;
      }
      if (!stopped) await sleepUntilDueOrWoken();
    }
  }

  const running = loop();
  log.debug({ batchSize, pollMs, claimMs }, "outbox dispatcher started");

  return {
    async drain() {
      let total = 0;
      for (;;) {
        const handled = await runRound();
        total += handled;
        // Sends the loop started are part of "nothing left": wait for them before deciding.
        await Promise.allSettled([...rounds]);
        if (handled === 0 && rounds.size === 0) return total;
      }
    },
    async stop() {
      stopped = true;
      unsubscribe();
      // Wakes a sleeping loop now; a loop between its query and its sleep sees `stopped` before sleeping.
      wake?.();
      await running;
    },
    counts: () => metrics.counts(),
  };
}
