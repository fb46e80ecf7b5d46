import { type Client, REST, type RESTOptions } from "discord.js";

/**
 * The REST the outbox sends through: the client's settings (API base, version, user agent) but no
 * retries of its own. discord.js would otherwise retry a 5xx three times at once and sleep through a
 * 429 inside one send, invisible to the outbox and holding the row's claim. Here every failure comes
 * straight back: the outbox reschedules it (429: after retry_after; 5xx/timeouts: exponential backoff
 * with jitter), counts it, and survives a restart. Creates carry a nonce with enforce_nonce, and card
 * edits are versioned, so whichever layer retries, nothing is posted twice.
 */
export function createDeliveryRest(client: Client, timeoutMs: number): REST {
  const options: Partial<RESTOptions> = {
    ...client.options.rest,
    retries: 0,
    rejectOnRateLimit: () => true,
    timeout: timeoutMs,
  };
  const rest = new REST(options);
  if (client.token) rest.setToken(client.token);
  return rest;
}
