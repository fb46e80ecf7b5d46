/** Discord's epoch (2015-01-01T00:00:00Z): the timestamp inside every snowflake counts from here. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * Snowflakes as Discord makes them: 42 bits of milliseconds since DISCORD_EPOCH, 5 bits of worker,
 * 5 bits of process, 12 bits of per-millisecond increment. Ids made by one generator are unique and
 * increase with time, so sorting ids sorts by creation time, as clients assume.
 */
export class SnowflakeGenerator {
  private lastMs = 0n;
  private increment = 0n;

  constructor(
    private readonly workerId = 1n,
    private readonly processId = 0n,
  ) {}

  next(atMs: number = Date.now()): string {
    let ms = BigInt(atMs);
    if (ms < this.lastMs) ms = this.lastMs;
    if (ms === this.lastMs) {
      this.increment = (this.increment + 1n) & 0xfffn;
      if (this.increment === 0n) ms += 1n; // 4096 ids in one millisecond: borrow the next one
    } else {
      this.increment = 0n;
    }
    this.lastMs = ms;
    return (
      ((ms - DISCORD_EPOCH) << 22n) |
      ((this.workerId & 0x1fn) << 17n) |
      ((this.processId & 0x1fn) << 12n) |
      this.increment
    ).toString();
  }
}

export function snowflakeTimestamp(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

export function isSnowflake(value: string): boolean {
  return /^\d{17,20}$/.test(value);
}

/** The shard that receives a guild's events: (guild_id >> 22) % num_shards. */
export function shardForGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
