import type { Logger } from "../log.ts";
import type { Signal } from "./types.ts";

export interface LocalSignalHub {
  emit(signal: Signal): void;
  subscribe(handler: (signal: Signal) => void): () => void;
}

/** In-process delivery; a throwing handler is logged and never stops the others. */
export function createLocalSignalHub(log: Logger): LocalSignalHub {
  const handlers = new Set<(signal: Signal) => void>();
  return {
    emit(signal) {
      for (const handler of [...handlers]) {
        try {
          handler(signal);
        } catch (error) {
          log.error({ err: error, signal: signal.type }, "signal handler failed");
        }
      }
    },
    subscribe(handler) {
      const wrapped = (signal: Signal) => handler(signal);
      handlers.add(wrapped);
      return () => {
        handlers.delete(wrapped);
      };
    },
  };
}

const SIGNAL_TYPES = new Set<string>(["task_changed", "outbox_ready", "settings_changed"]);

/** Messages from other instances are input: anything that is not a known signal is dropped. */
export function parseSignal(value: unknown): Signal | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string" || !SIGNAL_TYPES.has(type)) return undefined;
  if (type === "outbox_ready") return { type: "outbox_ready" };
  const { guildId, taskId, number, channelId } = value as Record<string, unknown>;
  if (type === "settings_changed") {
    if (typeof guildId !== "string" || (channelId !== undefined && typeof channelId !== "string"))
      return undefined;
    return channelId === undefined ? { type, guildId } : { type, guildId, channelId };
  }
  if (typeof guildId !== "string" || !Number.isInteger(taskId) || !Number.isInteger(number)) return undefined;
  return { type: "task_changed", guildId, taskId: taskId as number, number: number as number };
}
