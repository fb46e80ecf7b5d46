interface Entry {
  /** Oldest delete stamp seen by a reader still expected to store what it read; null = unknown. */
  stamp: number | null;
  outstanding: number;
  generation: number;
  expiresAt: number;
}

export type SetCheck = { check: "none" } | { check: "refuse" } | { check: "stamp"; stamp: number };

/**
 * Cache-aside's race: a reader misses and reads Postgres, a writer commits and deletes the key, then
 * the reader stores what it read, and everyone sees the write undone until the TTL. So every delete
 * stamps its key with a rising number; a miss notes the stamp it saw; the set that follows is refused
 * when the key was stamped again in between. Misses are not tied to their sets (the interface carries
 * no token), so each key keeps the oldest stamp among readers that have not stored yet, and forgets it
 * after `windowMs` (readers that never store: not found, errors).
 */
export class MissLedger {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly windowMs = 5_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** `stamp` undefined: the store could not say (unavailable), so the set after it must not land. */
  noteMiss(key: string, stamp: number | undefined, generation: number): void {
    const entry = this.#live(key);
    const seen = stamp ?? null;
    if (entry) {
      // Readers from before a flush or outage may still store: refuse every set until they are done.
      const comparable = entry.stamp !== null && seen !== null && entry.generation === generation;
      entry.stamp = comparable ? Math.min(entry.stamp!, seen) : null;
      entry.generation = generation;
      entry.outstanding += 1;
      return;
    }
    this.#entries.set(key, {
      stamp: seen,
      outstanding: 1,
      generation,
      expiresAt: this.now() + this.windowMs,
    });
    if (this.#entries.size > this.maxEntries)
      this.#entries.delete(this.#entries.keys().next().value as string);
  }

  /** Called by a set: what it must check, counting the reader as done. */
  claim(key: string, generation: number): SetCheck {
    const entry = this.#entries.get(key);
    if (!entry || entry.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return { check: "none" };
    }
    entry.outstanding -= 1;
    if (entry.outstanding <= 0) this.#entries.delete(key);
    // The store was flushed or came back from an outage since this miss: its stamps mean nothing now.
    if (entry.stamp === null || entry.generation !== generation) return { check: "refuse" };
    return { check: "stamp", stamp: entry.stamp };
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt > this.now()) return entry;
    this.#entries.delete(key);
    return undefined;
  }
}
