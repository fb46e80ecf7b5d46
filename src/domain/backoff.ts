export interface RetryPolicy {
  /** Delay before the second attempt; doubles per failure. */
  baseMs: number;
  capMs: number;
  /** ± fraction of the delay, so many agents failing together don't retry together. */
  jitter?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 30_000, capMs: 60 * 60_000, jitter: 0.2 };

/** Delay after the `failures`-th failure: base·2^(failures−1) ± jitter, never above the cap. */
export function retryDelayMs(
  failures: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = policy.baseMs * 2 ** Math.max(0, failures - 1);
  const jitter = policy.jitter ?? 0.2;
  const jittered = Math.min(policy.capMs, exponential) * (1 + jitter * (random() * 2 - 1));
  return Math.max(0, Math.round(Math.min(policy.capMs, jittered)));
}
