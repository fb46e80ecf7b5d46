import { Redis, type RedisOptions } from "ioredis";

export interface RedisTimeouts {
  /** A command that has no answer by then fails (and the caller falls back). */
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  /** Reconnect backoff cap; reconnecting itself never stops. */
  maxReconnectDelayMs: number;
}

export const DEFAULT_REDIS_TIMEOUTS: RedisTimeouts = {
  commandTimeoutMs: 100,
  connectTimeoutMs: 500,
  maxReconnectDelayMs: 1_000,
};

/**
 * ioredis's defaults queue commands while disconnected and retry each one, so a GET against a dead
 * Redis would wait far past Discord's 3 s. Here a command fails at once when there is no connection,
 * or after `commandTimeoutMs` when there is one (timed by the RedisLink, which does not count this
 * process's own event-loop lag against Redis; ioredis's own timeout is only a backstop), and nothing
 * is ever re-sent: a re-sent Lua reserve could count a slot twice. The client keeps reconnecting in
 * the background forever.
 */
export function failFastRedisOptions(timeouts: RedisTimeouts): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: true,
    commandTimeout: Math.max(1_000, timeouts.commandTimeoutMs * 10),
    connectTimeout: timeouts.connectTimeoutMs,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    retryStrategy: (attempt) =>
      Math.min(timeouts.maxReconnectDelayMs, 50 * 2 ** Math.min(attempt, 10)) +
      Math.floor(Math.random() * 50),
    reconnectOnError: () => false,
    // Commands issued in one tick (an interaction's post-commit signals, many interactions at once
    // under load) go out in one socket write: on this path the write syscalls are most of the cost.
    enableAutoPipelining: true,
  };
}

export function createRedisClient(url: string, timeouts: RedisTimeouts): Redis {
  return new Redis(url, failFastRedisOptions(timeouts));
}

/** For logs: the URL without its password. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "[invalid url]";
  }
}
