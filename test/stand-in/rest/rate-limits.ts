import { createHash } from "node:crypto";

export type RateLimitMode = "generous" | "discord";

interface Policy {
  limit: number;
  windowMs: number;
}

interface Bucket {
  remaining: number;
  resetAt: number;
}

export interface RateLimitDecision {
  headers: Record<string, string>;
  /** set when this request exceeds its bucket (only in "discord" mode) */
  exceeded?: { retryAfter: number; global: boolean };
}

/** Per-route limits close to Discord's published/observed ones; used in "discord" mode. */
const DISCORD_POLICIES: Record<string, Policy> = {
  "POST /channels/:channelId/messages": { limit: 5, windowMs: 5000 },
  "PATCH /channels/:channelId/messages/:messageId": { limit: 5, windowMs: 5000 },
  "DELETE /channels/:channelId/messages/:messageId": { limit: 5, windowMs: 1000 },
  "POST /webhooks/:applicationId/:token": { limit: 5, windowMs: 2000 },
  "PATCH /webhooks/:applicationId/:token/messages/:messageId": { limit: 5, windowMs: 2000 },
};
const DISCORD_DEFAULT: Policy = { limit: 50, windowMs: 1000 };
const GENEROUS: Policy = { limit: 10_000, windowMs: 1000 };
const GLOBAL_PER_SECOND = 50;

/**
 * Rate-limit buckets with Discord's headers (X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket).
 * "generous" (default) never limits, so benchmarks measure the bot; "discord" enforces per-route
 * buckets and the global 50 requests per second, answering 429 like Discord does.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private global: Bucket = { remaining: GLOBAL_PER_SECOND, resetAt: 0 };

  constructor(private readonly mode: RateLimitMode) {}

  /**
   * `countsGlobally` is false for interaction webhooks (`/webhooks/:applicationId/:token`): Discord
   * exempts interaction endpoints from the bot's global limit; their per-route buckets still apply.
   */
  take(
    method: string,
    route: string,
    majorParameter: string,
    now = Date.now(),
    countsGlobally = true,
  ): RateLimitDecision {
    const key = `${method} ${route}`;
    const policy = this.mode === "discord" ? (DISCORD_POLICIES[key] ?? DISCORD_DEFAULT) : GENEROUS;
    const hash = createHash("sha1").update(key).digest("hex").slice(0, 32);
    const id = `${hash}:${majorParameter}`;
    let bucket = this.buckets.get(id);
    if (!bucket || bucket.resetAt <= now) {
      bucket = { remaining: policy.limit, resetAt: now + policy.windowMs };
      this.buckets.set(id, bucket);
    }
    if (this.mode === "discord" && countsGlobally) {
      if (this.global.resetAt <= now) this.global = { remaining: GLOBAL_PER_SECOND, resetAt: now + 1000 };
      if (this.global.remaining <= 0) {
        return { headers: {}, exceeded: { retryAfter: (this.global.resetAt - now) / 1000, global: true } };
      }
      this.global.remaining--;
    }
    const resetAfter = (bucket.resetAt - now) / 1000;
    const headers = {
      "X-RateLimit-Limit": String(policy.limit),
      "X-RateLimit-Remaining": String(Math.max(0, bucket.remaining - 1)),
      "X-RateLimit-Reset": (bucket.resetAt / 1000).toFixed(3),
      "X-RateLimit-Reset-After": resetAfter.toFixed(3),
      "X-RateLimit-Bucket": hash,
    };
    if (bucket.remaining <= 0) {
      return {
        headers: { ...headers, "X-RateLimit-Remaining": "0", "X-RateLimit-Scope": "user" },
        exceeded: { retryAfter: resetAfter, global: false },
      };
    }
    bucket.remaining--;
    return { headers };
  }
}
