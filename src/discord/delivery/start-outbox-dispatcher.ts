import type { Client, REST } from "discord.js";
import type { Registry } from "prom-client";
import type { Cache } from "../../cache/types.ts";
import type { Logger } from "../../log.ts";
import type { Services } from "../../services/contracts.ts";
import { createDeliveryMetrics } from "./delivery-metrics.ts";
import { createDeliveryRest } from "./delivery-rest.ts";
import { createDiscordSenders } from "./discord-senders.ts";
import {
  createOutboxDispatcher,
  type DeliveryRetryPolicy,
  type OutboxDispatcher,
} from "./outbox-dispatcher.ts";

export interface StartOutboxDispatcherOptions {
  cache: Cache;
  log: Logger;
  /** Its token and REST settings are reused; sends wait until it is ready (the bot's own id is in them). */
  client: Client;
  services: Pick<Services, "settings" | "cards" | "delivery" | "agents">;
  /** Counters go here when given (src/http/metrics.ts). */
  registry?: Registry;
  /** Default: a REST built from the client's options with retries off (delivery-rest.ts). */
  rest?: REST;
  /** Per request; the claim lasts three times as long (a card edit may become a post). Default 5 s. */
  requestTimeoutMs?: number;
  batchSize?: number;
  pollMs?: number;
  retry?: Partial<DeliveryRetryPolicy>;
  /** The engine's clock (ServiceDeps.now): rows are due by the clock that wrote them. */
  now?: () => Date;
}

/**
 * Delivers the outbox to Discord: started with the bot, woken by `outbox_ready` signals (from any
 * instance), polling as a fallback. Safe to run on every instance.
 */
export function startOutboxDispatcher(options: StartOutboxDispatcherOptions): OutboxDispatcher {
  const requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
  let rest = options.rest;
  const senders = createDiscordSenders({
    client: options.client,
    rest: () => {
      rest ??= createDeliveryRest(options.client, requestTimeoutMs);
      return rest;
    },
    delivery: options.services.delivery,
    cards: options.services.cards,
    settings: options.services.settings,
    agents: options.services.agents,
    log: options.log,
  });
  return createOutboxDispatcher({
    delivery: options.services.delivery,
    cache: options.cache,
    log: options.log.child({ component: "outbox" }),
    senders,
    metrics: createDeliveryMetrics(options.registry),
    claimMs: requestTimeoutMs * 3,
    batchSize: options.batchSize,
    pollMs: options.pollMs,
    retry: options.retry,
    now: options.now,
  });
}
