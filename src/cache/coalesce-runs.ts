interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Runs `run` for a key so that every caller gets the result of a run that STARTED after it called:
 * callers arriving while a run is in progress share the next one. A burst of N callers costs at most
 * two runs, and none of them gets an answer computed before its own call (e.g. before its commit).
 */
export function createRunCoalescer<T>(): (key: string, run: () => Promise<T>) => Promise<T> {
  const next = new Map<string, Waiter<T>[]>();

  const start = (key: string, run: () => Promise<T>, waiters: Waiter<T>[]) => {
    const queued: Waiter<T>[] = [];
    next.set(key, queued);
    run()
      .then(
        (value) => {
          for (const waiter of waiters) waiter.resolve(value);
        },
        (error: unknown) => {
          for (const waiter of waiters) waiter.reject(error);
        },
      )
      .finally(() => {
        if (queued.length > 0) start(key, run, queued);
        else next.delete(key);
      });
  };

  return (key, run) =>
    new Promise<T>((resolve, reject) => {
      const queued = next.get(key);
      if (queued) queued.push({ resolve, reject });
      else start(key, run, [{ resolve, reject }]);
    });
}
