/** Ids as Discord would have them: 18-digit snowflakes, derived from small indexes. */
export const guildIdOf = (guild: number) => String(100_000_000_000_000_000n + BigInt(guild));
export const channelIdOf = (guild: number, channel: number) =>
  String(200_000_000_000_000_000n + BigInt(guild * 1_000 + channel));
export const userIdOf = (user: number) => String(300_000_000_000_000_000n + BigInt(user));
