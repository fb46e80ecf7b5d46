import { DiscordAPIError, HTTPError, RateLimitError } from "discord.js";

/**
 * How a failed send is retried. `rate_limited` waits as long as Discord asked, without counting toward
 * the dead letter; `not_ready` (we could not try yet) and `transient` count and back off, from their own
 * base; `permanent` (Discord refused the body itself: a retry would send the same thing) parks the row now.
 */
export type DeliveryFailure =
  | { kind: "rate_limited"; retryAfterMs: number; message: string }
  | { kind: "not_ready"; retryAfterMs: number; message: string }
  | { kind: "transient"; message: string }
  | { kind: "permanent"; message: string };

/** Thrown by senders that cannot try yet (the bot's own user id unknown, a cached view behind the row). */
export class NotReadyError extends Error {
  override name = "NotReadyError";
  constructor(
    message: string,
    readonly retryAfterMs = 1_000,
  ) {
    super(message);
  }
}

export function classifyFailure(error: unknown): DeliveryFailure {
  if (error instanceof NotReadyError) {
    return { kind: "not_ready", retryAfterMs: error.retryAfterMs, message: error.message };
  }
  if (error instanceof RateLimitError) {
    return { kind: "rate_limited", retryAfterMs: Math.max(0, error.retryAfter), message: describe(error) };
  }
  if (error instanceof DiscordAPIError) {
    if (error.status === 429) {
      const seconds = Number((error.rawError as { retry_after?: number }).retry_after ?? 1);
      return { kind: "rate_limited", retryAfterMs: Math.max(0, seconds * 1000), message: describe(error) };
    }
    if (error.status === 400) return { kind: "permanent", message: describe(error) };
    return { kind: "transient", message: describe(error) };
  }
  if (error instanceof HTTPError) return { kind: "transient", message: describe(error) };
  return { kind: "transient", message: describe(error) };
}

function describe(error: unknown): string {
  if (error instanceof DiscordAPIError)
    return `${error.status} ${error.code}: ${error.message}`.slice(0, 500);
  if (error instanceof HTTPError) return `${error.status} ${error.message}`.slice(0, 500);
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}
