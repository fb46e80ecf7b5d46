/** View keys the task engine adds to the shared ones in src/cache/keys.ts. */
export const engineKeys = {
  settings: (guildId: string, channelId: string) => `settings:${guildId}:${channelId}`,
  timeZone: (guildId: string) => `timezone:${guildId}`,
  /** The whole guild's stats (the merge of every channel's part), for readers who see every channel. */
  stats: (guildId: string) => `stats:${guildId}:*`,
  /** One channel's part of the stats (store/stats.ts StatsPart), merged into any channel set's figures. */
  statsPart: (guildId: string, channelId: string) => `stats-part:${guildId}:${channelId}`,
  /** One block of a channel's task numbers (store/stats.ts STATS_BLOCK): the channel's part is their merge. */
  statsBlock: (guildId: string, channelId: string, block: number) =>
    `stats-block:${guildId}:${channelId}:${block}`,
};
