/**
 * Runs `concurrency` loops that together call `work(i)` once for each i in [0, total), timing each
 * call into `samples` (ms). Returns the wall time (ms). A closed loop: each caller waits for its answer.
 */
export async function runPool(
  concurrency: number,
  total: number,
  work: (index: number, worker: number) => Promise<unknown>,
  samples: number[],
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < total) {
        const index = next++;
        const start = performance.now();
        await work(index, worker);
        samples.push(performance.now() - start);
      }
    }),
  );
  return performance.now() - started;
}

export const perSecond = (count: number, wallMs: number) => (count / wallMs) * 1000;
