import type { Logger } from "pino";
import type { PrivilegedIntentName } from "./gateway/intents.ts";
import type { RateLimitMode } from "./rest/rate-limits.ts";
import type { WorldSpec } from "./state/world-spec.ts";

export interface StandInOptions extends WorldSpec {
  /** the token the bot must present over REST and the gateway; default: any token is accepted */
  token?: string;
  /** HELLO's heartbeat_interval (Discord: 41250 ms) */
  heartbeatIntervalMs?: number;
  /** how long an interaction accepts its first callback (Discord: 3000 ms) */
  interactionTimeoutMs?: number;
  /** how long an interaction token works for follow-ups and edits (Discord: 15 minutes) */
  followUpWindowMs?: number;
  /** how long an enforced message nonce is remembered (Discord: "a few minutes"; default 3 minutes) */
  nonceWindowMs?: number;
  /** `shards` answered by GET /gateway/bot (default 1) */
  shards?: number;
  /** session_start_limit.max_concurrency (default 1, as for most bots) */
  maxConcurrency?: number;
  /** privileged intents switched on for the application (default: all three); others close IDENTIFY with 4014 */
  privilegedIntents?: PrivilegedIntentName[];
  /** "generous" (default: headers, never limited) or "discord" (Discord-like buckets, 429s, global 50/s) */
  rateLimits?: RateLimitMode;
  /** the invoking user's locale in interactions (default en-US) */
  locale?: string;
  /** keep request and response bodies in the request log (default true); false saves memory in long benchmarks */
  keepRequestBodies?: boolean;
  /** default: pino at STANDIN_LOG_LEVEL or "warn" */
  logger?: Logger;
  /** default 0: a free port on 127.0.0.1 */
  port?: number;
}

export const DEFAULTS = {
  heartbeatIntervalMs: 41_250,
  interactionTimeoutMs: 3_000,
  followUpWindowMs: 15 * 60_000,
  nonceWindowMs: 3 * 60_000,
  shards: 1,
  maxConcurrency: 1,
  locale: "en-US",
} as const;
