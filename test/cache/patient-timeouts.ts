/**
 * For tests about what the cache answers rather than how fast. The machine running the suite may be
 * starved of CPU, and the production 100 ms command timeout then turns answers into fallbacks (correct,
 * but not what those tests look at). Fail-fast timing has its own tests: the stalled Redis in
 * redis-partition.test.ts and the call latencies in redis-outage.test.ts (a killed server fails at once).
 */
export const PATIENT_TIMEOUTS = { commandTimeoutMs: 1_000 };
