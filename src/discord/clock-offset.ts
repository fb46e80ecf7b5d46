/**
 * How far this host's clock runs ahead of Discord's, plus the fastest delivery: learned from arrivals as
 * the smallest recent (arrival − the interaction's snowflake time). Without a smaller sample it rises by
 * at most `riseMsPerSecond` (a clock stepped forward is learned within a minute or so; a backlog that
 * grows faster than that is still seen as lateness), and one prompt arrival brings it back down. A
 * host whose clock is off by seconds still answers every interaction that reaches it in time.
 */
export interface ClockOffset {
  /** Records one arrival and returns the offset to judge it by (ms; negative: our clock is behind). */
  observe(arrivedAt: number, createdAt: number): number;
}

export function createClockOffset(riseMsPerSecond = 200): ClockOffset {
  let estimate: number | undefined;
  let observedAt = 0;
  return {
    observe(arrivedAt, createdAt) {
      const sample = arrivedAt - createdAt;
      const risen =
        estimate === undefined
          ? sample
          : estimate + (Math.max(0, arrivedAt - observedAt) / 1_000) * riseMsPerSecond;
      estimate = Math.min(sample, risen);
      observedAt = arrivedAt;
      return estimate;
    },
  };
}
