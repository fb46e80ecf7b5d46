/**
 * Runs tasks one at a time per key, in arrival order. Creates in a limited channel take turns on its
 * settings row in Postgres anyway (imports on their guild's); queueing them here first keeps a burst
 * from holding a pool connection per waiter and from timing out on the row lock. Across instances
 * Postgres still decides.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
