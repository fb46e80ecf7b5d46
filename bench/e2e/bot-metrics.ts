/** The bot's own cache counters, scraped from its /metrics endpoint (Prometheus text). */
export interface CacheCounts {
  hits: number;
  misses: number;
}

export async function scrapeCacheCounts(port: number): Promise<CacheCounts | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) });
    const text = await response.text();
    const value = (name: string) =>
      Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
    return { hits: value("tasklane_cache_hits_total"), misses: value("tasklane_cache_misses_total") };
  } catch {
    return undefined;
  }
}

/** Hits / (hits + misses) between two scrapes; NaN when either is missing. */
export function hitRatioBetween(before: CacheCounts | undefined, after: CacheCounts | undefined): number {
  if (!before || !after) return Number.NaN;
  const hits = after.hits - before.hits;
  const misses = after.misses - before.misses;
  return hits + misses === 0 ? Number.NaN : hits / (hits + misses);
}
