/** Work the bot has accepted and not finished: a graceful stop refuses new work and waits for this. */
export interface InFlight {
  readonly draining: boolean;
  readonly size: number;
  track<T>(work: Promise<T>): Promise<T>;
  /** Stops accepting (see `draining`) and waits for the work in flight, at most `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
}

export function createInFlight(): InFlight {
  const running = new Set<Promise<unknown>>();
  let draining = false;
  return {
    get draining() {
      return draining;
    },
    get size() {
      return running.size;
    },
    track(work) {
      running.add(work);
      void work.finally(() => running.delete(work)).catch(() => undefined);
      return work;
    },
    async drain(timeoutMs) {
      draining = true;
      const deadline = Date.now() + timeoutMs;
      // Work that arrives while draining (answered "restarting") is waited for too, not just a snapshot.
      while (running.size > 0 && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, deadline - Date.now());
        });
        await Promise.race([Promise.allSettled([...running]), timeout]);
        clearTimeout(timer);
      }
    },
  };
}
