/** View keys the task engine adds to the shared ones in src/cache/keys.ts. */
export const engineKeys = {
  settings: (guildId: string, channelId: string) => `settings:${guildId}:${channelId}`,
  timeZone: (guildId: string) => `timezone:${guildId}`,
  /** channelId undefined = the whole guild. */
  stats: (guildId: string, channelId?: string) => `stats:${guildId}:${channelId ?? "*"}`,
};
