/**
 * Keys whose delete or update could not reach Redis (or may have half-reached it). Until they are
 * deleted, Redis may hold a value this process knows to be stale, so Redis is not trusted again
 * before they are gone. Past `maxKeys` it stops listing and asks for a flush of the whole prefix.
 */
export class PendingInvalidations {
  readonly #keys = new Set<string>();
  #overflowed = false;

  constructor(private readonly maxKeys = 10_000) {}

  add(keys: Iterable<string>): void {
    for (const key of keys) {
      if (this.#overflowed) return;
      this.#keys.add(key);
      if (this.#keys.size > this.maxKeys) {
        this.#overflowed = true;
        this.#keys.clear();
      }
    }
  }

  get needsFullFlush(): boolean {
    return this.#overflowed;
  }

  get size(): number {
    return this.#keys.size;
  }

  snapshot(): string[] {
    return [...this.#keys];
  }

  /** Forget what was deleted; keys added meanwhile stay pending. */
  settle(deleted: readonly string[]): void {
    for (const key of deleted) this.#keys.delete(key);
  }

  /** After the whole prefix was flushed: what was listed before the flush began is gone too. */
  settleFlush(listedBefore: readonly string[]): void {
    this.#overflowed = false;
    this.settle(listedBefore);
  }
}
