export interface WaitOptions {
  /** default 5000 ms */
  timeoutMs?: number;
}

interface Pending {
  probe: () => boolean;
}

/**
 * Promises that resolve once a probe finds what it looks for. Whoever changes the watched state
 * calls `notify()`; each pending probe runs again. Timeouts say what was awaited.
 */
export class Waiters {
  private readonly pending = new Set<Pending>();

  wait<T>(probe: () => T | undefined, describe: () => string, options: WaitOptions = {}): Promise<T> {
    const first = probe();
    if (first !== undefined) return Promise.resolve(first);
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = {
        probe: () => {
          const found = probe();
          if (found === undefined) return false;
          clearTimeout(timer);
          resolve(found);
          return true;
        },
      };
      const timer = setTimeout(() => {
        this.pending.delete(entry);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`));
      }, timeoutMs);
      this.pending.add(entry);
    });
  }

  notify(): void {
    for (const entry of this.pending) {
      if (entry.probe()) this.pending.delete(entry);
    }
  }

  get size(): number {
    return this.pending.size;
  }
}
