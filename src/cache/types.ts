/**
 * The hot path's interface. Two implementations: Redis (production, shared by every instance) and
 * in-process (embedded default). Service code cannot tell which it has. Redis is never the only copy
 * of anything: every method degrades (miss / "unknown" / local bucket) instead of throwing when Redis
 * is down or slow, and logs one warning per outage, not one per call.
 */

export interface ViewCache {
  /** undefined on a miss, and on any cache failure. */
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /**
   * Taken BEFORE a write that will hand its own result to `del` as a fresh value: every delete after
   * this moment out-ranks it. Undefined when the cache cannot say (then there is nothing to store).
   */
  mark(): Promise<ViewMark | undefined>;
  /**
   * A mark for the key of a row this caller is inserting (a new task's number), without a round trip:
   * nobody can have changed that row before it exists, so any delete of the key at all out-ranks it.
   */
  markNew(): ViewMark;
  /**
   * Called AFTER the writing transaction commits, never before. `fresh`: values that commit produced,
   * each stored under its key (which is deleted too) unless a delete since its mark says they may
   * already be out of date (a later change committed, or the cache was flushed or unreachable).
   * Returns the mark this delete leaves (the stamps as it left them), as `mark()` would return it
   * just after: good for any write that starts later. Undefined when the cache cannot say.
   */
  del(keys: readonly string[], fresh?: readonly FreshView[]): Promise<ViewMark | undefined>;
}

/** Opaque: where the cache's delete stamps stood when `mark()` was called. */
export interface ViewMark {
  readonly stamp: number;
  readonly generation: number;
}

/** A value a write just committed, as a fresh read would return it: a read after it is a hit. */
export interface FreshView {
  key: string;
  value: unknown;
  ttlSeconds: number;
  mark: ViewMark;
}

export type GateDecision =
  /** A live slot was reserved in the counter; the creating transaction must confirm or release it. */
  | { kind: "reserved" }
  /** The counter says the channel is full: refuse without touching Postgres. */
  | { kind: "refused"; count: number; limit: number }
  /** Counter missing or cache unavailable: Postgres decides (and the caller seeds the counter). */
  | { kind: "unknown" };

/**
 * Live-task counters per channel (Lua in Redis). Advisory only: the Postgres check inside the creating
 * transaction (row lock on channel_settings) is authoritative. Scripts never create a missing counter
 * except `seed`, so a counter is either absent or was rebuilt from Postgres.
 */
export interface LimitGate {
  reserve(channelId: string, limit: number): Promise<GateDecision>;
  /** A reservation was not used (the create failed or Postgres refused) or a live task became terminal. */
  release(channelId: string): Promise<void>;
  /** A task became live again without a reservation (reopen, move into the channel). No-op if absent. */
  add(channelId: string): Promise<void>;
  /** Set the counter from Postgres's count (rebuild after a restart/flush, or repair after drift). */
  seed(channelId: string, liveCount: number): Promise<void>;
  /** Current counter value, or undefined when absent/unavailable (drift checks and tests). */
  peek(channelId: string): Promise<number | undefined>;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Token bucket per key (e.g. `${guildId}:${userId}`); falls back to a per-process bucket when Redis is down. */
export interface RateLimiter {
  take(key: string): Promise<RateDecision>;
}

export type Signal =
  | { type: "task_changed"; guildId: string; taskId: number; number: number }
  | { type: "outbox_ready" }
  /** A channel's settings (or, without a channel, the server's time zone) changed: copies kept per process go. */
  | { type: "settings_changed"; guildId: string; channelId?: string };

/** Signals between instances (Redis pub/sub) or within one process (event emitter). */
export interface Signals {
  publish(signal: Signal): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(handler: (signal: Signal) => void): () => void;
}

/**
 * First-come claims on gateway event ids (SET NX with a TTL in Redis; a bounded map in process).
 * "unknown" when the cache cannot answer: the caller claims in Postgres instead.
 */
export type ClaimAnswer = "won" | "lost" | "unknown";

/** Which of the two rate limiters (writes, reads) a token is taken from, and the bucket's key. */
export interface TokenRequest {
  bucket: "write" | "read";
  key: string;
}

export interface EventClaims {
  claim(eventId: string, ttlSeconds: number): Promise<ClaimAnswer>;
  /**
   * `claim`, and when it is not lost a token from `token`'s bucket, in one round trip. `decision` is
   * absent when the cache could not take it with the claim (the caller then asks the limiter).
   */
  claimAndTake(
    eventId: string,
    ttlSeconds: number,
    token: TokenRequest,
  ): Promise<{ claim: ClaimAnswer; decision?: RateDecision }>;
}

export interface CacheMetricsSnapshot {
  hits: number;
  misses: number;
  errors: number;
  gateRefusals: number;
  fallbacks: number;
  /** Added: false while Redis is unreachable and calls are served by the fallbacks (always true in memory). */
  available: boolean;
}

export interface Cache {
  kind: "redis" | "memory";
  views: ViewCache;
  gate: LimitGate;
  /** Writes per user and server. */
  rateLimiter: RateLimiter;
  /** Reads (lists, search, view, history, stats, autocomplete): a separate, more generous bucket. */
  readRateLimiter: RateLimiter;
  /**
   * Token buckets of their own under `name` (e.g. the agents' command budget), shared by every
   * instance like the rate limiters (in process for the embedded cache). Call once per name.
   */
  buckets(name: string, options: { capacity: number; windowSeconds: number }): RateLimiter;
  signals: Signals;
  claims: EventClaims;
  metrics(): CacheMetricsSnapshot;
  close(): Promise<void>;
}
