/**
 * Bump when the shape of a cached value (TaskView, queue summaries) changes: a deploy then reads
 * only entries written in the new shape, and old ones expire by TTL.
 */
export const CACHE_SCHEMA_VERSION = 1;

export const DEFAULT_KEY_PREFIX = "tl:";

/** Logical view keys shared by every instance; the cache adds the prefix and schema version. */
export const viewKeys = {
  task: (guildId: string, number: number) => `task:${guildId}:${number}`,
  queue: (guildId: string, channelId: string) => `queue:${guildId}:${channelId}`,
};

export interface KeyLayout {
  prefix: string;
  view(key: string): string;
  /** The delete stamp of a view key (see MissLedger), and the counter stamps come from. */
  viewStamp(key: string): string;
  viewStampCounter: string;
  gate(channelId: string): string;
  rate(key: string): string;
  /** The claim on a gateway event (interaction or message id). */
  event(eventId: string): string;
  signalsChannel: string;
  /** Holds the run_id of the Redis server whose contents this prefix last validated. */
  serverMarker: string;
  /** SCAN pattern matching every key under the prefix. */
  everything: string;
}

/** Gate counters and rate buckets do not depend on the view shape, so only views carry the version. */
export function createKeyLayout(
  prefix = DEFAULT_KEY_PREFIX,
  schemaVersion = CACHE_SCHEMA_VERSION,
): KeyLayout {
  return {
    prefix,
    view: (key) => `${prefix}v${schemaVersion}:view:${key}`,
    viewStamp: (key) => `${prefix}v${schemaVersion}:stamp:${key}`,
    viewStampCounter: `${prefix}v${schemaVersion}:stamps`,
    gate: (channelId) => `${prefix}gate:${channelId}`,
    rate: (key) => `${prefix}rate:${key}`,
    event: (eventId) => `${prefix}event:${eventId}`,
    signalsChannel: `${prefix}signals`,
    serverMarker: `${prefix}server`,
    everything: `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`,
  };
}
