interface Waiter {
  resolve(won: boolean): void;
  reject(error: unknown): void;
}

/** Ids inserted in one statement at most (a burst past it takes more than one). */
const MAX_BATCH = 500;

/**
 * Postgres claims gathered per turn of the event loop: every claim asked for while this turn runs (a
 * burst of gateway events, the Redis replies that came in one read) is inserted by one multi-row
 * statement after it, instead of one statement each. Each caller still waits for that statement, so
 * the unique insert decides exactly as before; an id asked for twice in one batch is won by the first.
 * A failed statement fails every claim in it (each event then answers as a database fault would).
 */
export function createBatchedClaims(
  insert: (eventIds: readonly string[]) => Promise<Set<string>>,
): (eventId: string) => Promise<boolean> {
  let pending: Map<string, Waiter> | undefined;

  const flush = (batch: Map<string, Waiter>) => {
    const ids = [...batch.keys()];
    for (let start = 0; start < ids.length; start += MAX_BATCH) {
      const chunk = ids.slice(start, start + MAX_BATCH);
      insert(chunk).then(
        (won) => {
          for (const id of chunk) batch.get(id)!.resolve(won.has(id));
        },
        (error: unknown) => {
          for (const id of chunk) batch.get(id)!.reject(error);
        },
      );
    }
  };

  return (eventId) =>
    new Promise<boolean>((resolve, reject) => {
      if (!pending) {
        const batch = new Map<string, Waiter>();
        pending = batch;
        setImmediate(() => {
          pending = undefined;
          flush(batch);
        });
      }
      if (pending.has(eventId)) resolve(false);
      else pending.set(eventId, { resolve, reject });
    });
}
