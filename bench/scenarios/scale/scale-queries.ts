import { viewKeys } from "../../../src/cache/keys.ts";
import type { Cache } from "../../../src/cache/types.ts";
import { actorEverywhere, systemReader } from "../../../src/services/actors.ts";
import { engineKeys } from "../../../src/services/cache-keys.ts";
import type { TaskService } from "../../../src/services/contracts.ts";
import { STATS_BLOCK, statsBlockOf } from "../../../src/store/stats.ts";
import { channelIdOf, guildIdOf, userIdOf } from "../../support/ids.ts";
import { LABELS, WORDS } from "../../support/vocabulary.ts";
import { seededRandom } from "../../support/zipf.ts";

/** One query shape against the busy guild; `prepare` runs untimed before each timed call. */
export interface ScaleQuery {
  name: string;
  /** Whether a target applies at 1M (list, queue and search: p99 < 20 ms; stats: `targetMs`). */
  targeted: boolean;
  /** The p99 target when not the lists' 20 ms (issue 14: guild stats < 50 ms). */
  targetMs?: number;
  repetitions: number;
  call(iteration: number): Promise<unknown>;
  prepare?(iteration: number): Promise<void>;
}

export function scaleQueries(
  service: TaskService,
  cache: Cache,
  shape: { tasksInBusyGuild: number; channelsPerGuild: number },
  repetitions: number,
): ScaleQuery[] {
  const guildId = guildIdOf(0);
  const random = seededRandom(99);
  const pickNumber = () => 1 + Math.floor(random() * shape.tasksInBusyGuild);
  const pickChannel = () => channelIdOf(0, Math.floor(random() * shape.channelsPerGuild));
  // Mid-frequency words: neither in every task nor in none.
  const pickWord = () => WORDS[20 + Math.floor(random() * 120)]!;
  const cursors: (string | null)[] = [];
  const channels: string[] = [];
  // Manage Server: a reviewer in every channel, so the queue reads tasks (Tasklane's own reader decides none).
  const serverManager = {
    guildId,
    channelId: channelIdOf(0, 0),
    actor: actorEverywhere({ userId: userIdOf(999_999), permissions: ["manage_guild"] }),
    source: "slash" as const,
  };
  /** The stats keys a change of a random task in `channelId` deletes (Effects.task). */
  const changedStats = (channelId: string) => [
    engineKeys.statsPart(guildId, channelId),
    engineKeys.statsBlock(guildId, channelId, statsBlockOf(pickNumber())),
  ];
  return [
    {
      name: "list: live tasks, page 1",
      targeted: true,
      repetitions,
      call: () => service.list(systemReader(guildId), { status: "live" }),
    },
    {
      name: "list: one channel, all statuses, page 1 → 2",
      targeted: true,
      repetitions,
      prepare: async (i) => {
        channels[i] = pickChannel();
        const first = await service.list(systemReader(guildId), { status: "all", channelId: channels[i] });
        cursors[i] = first.nextCursor;
      },
      call: (i) =>
        service.list(
          systemReader(guildId),
          { status: "all", channelId: channels[i]! },
          { cursor: cursors[i] ?? null },
        ),
    },
    {
      name: "list: by assignee",
      targeted: true,
      repetitions,
      call: () =>
        service.list(systemReader(guildId), {
          status: "live",
          assigneeId: userIdOf(Math.floor(random() * 500)),
        }),
    },
    {
      name: "list: by label",
      targeted: true,
      repetitions,
      call: () =>
        service.list(systemReader(guildId), {
          status: "live",
          label: LABELS[Math.floor(random() * LABELS.length)]!,
        }),
    },
    {
      name: "list: by status (in review)",
      targeted: true,
      repetitions,
      call: () => service.list(systemReader(guildId), { status: "in_review" }),
    },
    {
      name: "list: overdue (due:overdue)",
      targeted: true,
      repetitions,
      call: () => service.list(systemReader(guildId), { due: "overdue" }),
    },
    {
      name: "list: due this week (due:week)",
      targeted: true,
      repetitions,
      call: () => service.list(systemReader(guildId), { due: "week" }),
    },
    {
      name: "list: by due date (sort:due), page 1 → 2",
      targeted: true,
      repetitions,
      prepare: async (i) => {
        const first = await service.list(systemReader(guildId), { sort: "due" });
        cursors[i] = first.nextCursor;
      },
      call: (i) => service.list(systemReader(guildId), { sort: "due" }, { cursor: cursors[i] ?? null }),
    },
    {
      name: "review queue (/tasks reviews), a server manager",
      targeted: true,
      repetitions,
      call: () => service.reviewQueue(serverManager),
    },
    {
      name: "review queue (/tasks reviews), a reviewer nowhere",
      targeted: true,
      repetitions,
      call: () => service.reviewQueue(systemReader(guildId)),
    },
    {
      name: "channel queue (cache key deleted first)",
      targeted: true,
      repetitions,
      prepare: async (i) => {
        channels[i] = pickChannel();
        await cache.views.del([viewKeys.queue(guildId, channels[i]!)]);
      },
      call: (i) => service.queue(systemReader(guildId), channels[i]!),
    },
    {
      name: "full-text search, two words",
      targeted: true,
      repetitions,
      call: () => service.search(systemReader(guildId), `${pickWord()} ${pickWord()}`),
    },
    {
      name: "full-text search, one common word",
      targeted: true,
      repetitions,
      call: () => service.search(systemReader(guildId), WORDS[Math.floor(random() * 5)]!),
    },
    {
      name: "per-task history",
      targeted: true,
      repetitions,
      call: () => service.history(systemReader(guildId), pickNumber()),
    },
    {
      // What a change of one task deletes (Effects.task): its channel's part and its block's. The
      // warm-up reads the whole guild once, so every channel's blocks are cached, as in a running bot.
      name: "stats, one channel (its cached part deleted first)",
      targeted: true,
      targetMs: 50,
      repetitions: Math.max(5, Math.floor(repetitions / 10)),
      prepare: async (i) => {
        if (i < 0) await service.stats(systemReader(guildId));
        channels[i] = pickChannel();
        await cache.views.del(changedStats(channels[i]!));
      },
      call: (i) => service.stats(systemReader(guildId), channels[i]),
    },
    {
      // Nothing of the channel cached (its first read, or its blocks' TTL passed): every block is counted.
      name: "stats, one channel, cold (its part and every block deleted first)",
      targeted: false,
      repetitions: Math.max(5, Math.floor(repetitions / 10)),
      prepare: async (i) => {
        channels[i] = pickChannel();
        const blocks = Math.floor(shape.tasksInBusyGuild / STATS_BLOCK) + 1;
        await cache.views.del([
          engineKeys.statsPart(guildId, channels[i]!),
          ...Array.from({ length: blocks }, (_, block) =>
            engineKeys.statsBlock(guildId, channels[i]!, block),
          ),
        ]);
      },
      call: (i) => service.stats(systemReader(guildId), channels[i]),
    },
    {
      name: "stats, whole guild, after a change in one channel (its part and the guild's key deleted first)",
      targeted: true,
      targetMs: 50,
      repetitions: Math.max(5, Math.floor(repetitions / 10)),
      prepare: async () => {
        await cache.views.del([engineKeys.stats(guildId), ...changedStats(pickChannel())]);
      },
      call: () => service.stats(systemReader(guildId)),
    },
  ];
}
