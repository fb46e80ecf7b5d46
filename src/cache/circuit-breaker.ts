export type BreakerState = "closed" | "open";

/**
 * Closed: calls go to Redis. Open: calls take the fallback at once, adding no latency, while a
 * background probe (the half-open trial) decides when to close again.
 */
export class CircuitBreaker {
  #state: BreakerState = "open";
  #failures = 0;

  constructor(private readonly failureThreshold: number) {}

  get state(): BreakerState {
    return this.#state;
  }

  allows(): boolean {
    return this.#state === "closed";
  }

  recordSuccess(): void {
    this.#failures = 0;
  }

  /** True when this failure opened the breaker. */
  recordFailure(): boolean {
    this.#failures += 1;
    return this.#failures >= this.failureThreshold && this.trip();
  }

  /** Opens now; true when it was closed. */
  trip(): boolean {
    const wasClosed = this.#state === "closed";
    this.#state = "open";
    return wasClosed;
  }

  /** Closes; true when it was open. */
  close(): boolean {
    const wasOpen = this.#state === "open";
    this.#state = "closed";
    this.#failures = 0;
    return wasOpen;
  }
}
