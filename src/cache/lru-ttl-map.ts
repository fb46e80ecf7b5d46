interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** A Map in least-recently-used order whose entries also expire; the oldest entry goes first when full. */
export class LruTtlMap<V> {
  readonly #entries = new Map<string, Entry<V>>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    const now = this.now();
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: now + ttlMs });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    // Expired entries at the least-recently-used end go too, so a map that is never read back (or read
    // rarely) holds what is live, not up to maxEntries of the dead. Amortised: each entry leaves once.
    for (const [oldest, entry] of this.#entries) {
      if (entry.expiresAt > now) break;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
