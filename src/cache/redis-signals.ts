import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../log.ts";
import { createLocalSignalHub, parseSignal } from "./local-signals.ts";
import type { RedisLink } from "./redis-link.ts";
import type { Signals } from "./types.ts";

/**
 * Publishing delivers to this process's handlers at once (even with Redis down) and to the other
 * instances through Redis; each instance skips its own messages coming back. The subscriber has its
 * own connection and subscribes again every time it becomes ready, so signals resume by themselves.
 */
export function createRedisSignals(
  publisher: Redis,
  subscriber: Redis,
  link: RedisLink,
  channel: string,
  log: Logger,
): Signals {
  const origin = randomUUID();
  // Every envelope is JSON.stringify({ origin, signal }), so this process's own echo is known unparsed.
  const ownPrefix = `{"origin":"${origin}"`;
  const hub = createLocalSignalHub(log);

  const subscribe = () => {
    if (subscriber.status !== "ready") return;
    subscriber.subscribe(channel).catch((error: unknown) => {
      log.debug({ err: error }, "signal subscribe failed, retrying");
      setTimeout(subscribe, 1_000).unref();
    });
  };
  subscriber.on("ready", subscribe);
  subscriber.on("error", (error: unknown) => log.debug({ err: error }, "signal connection error"));
  subscriber.on("message", (from: string, message: string) => {
    if (from !== channel || message.startsWith(ownPrefix)) return;
    let envelope: { origin?: unknown; signal?: unknown };
    try {
      envelope = JSON.parse(message) as typeof envelope;
    } catch {
      log.debug({ channel }, "unreadable signal dropped");
      return;
    }
    if (envelope.origin === origin) return;
    const signal = parseSignal(envelope.signal);
    if (signal) hub.emit(signal);
    else log.debug({ channel }, "unknown signal dropped");
  });

  return {
    async publish(signal) {
      hub.emit(signal);
      const message = JSON.stringify({ origin, signal });
      await link.run(
        () => publisher.publish(channel, message),
        () => 0,
      );
    },
    subscribe: (handler) => hub.subscribe(handler),
  };
}
