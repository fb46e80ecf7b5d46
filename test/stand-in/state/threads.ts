import { apiErrors, DiscordApiError, FormErrors, StandInUsageError } from "../errors.ts";
import type { Gateway } from "../gateway/gateway.ts";
import { Intent } from "../gateway/intents.ts";
import { newThreadChannel } from "../payloads/entities.ts";
import { discordTimestamp } from "../payloads/timestamps.ts";
import { hasPermission } from "../permissions.ts";
import { type ApiChannel, type JsonObject, type Snowflake, THREAD_TYPES } from "../types.ts";
import type { StoredMessage } from "./messages.ts";
import type { World } from "./world.ts";

/** Discord's auto-archive durations (minutes); a channel without a default of its own uses 1440. */
export const AUTO_ARCHIVE_DURATIONS = [60, 1440, 4320, 10080];

export const threadErrors = {
  alreadyCreated: () =>
    new DiscordApiError(400, 160004, "A thread has already been created for this message"),
  archived: () => new DiscordApiError(400, 50083, "Thread is archived"),
  locked: () => new DiscordApiError(403, 160005, "Thread is locked"),
  wrongChannelType: () => new DiscordApiError(400, 50024, "Cannot execute action on this channel type"),
};

/**
 * Public threads as Discord keeps them: started from a message (the thread's id is the message's, and a
 * message gets one thread, ever), archived and locked, deleted. THREAD_CREATE / THREAD_UPDATE /
 * THREAD_DELETE go to sessions with the GUILDS intent.
 */
export class Threads {
  /** Messages a thread was ever started from (Discord refuses a second, 160004). */
  private readonly started = new Set<Snowflake>();

  constructor(
    private readonly world: World,
    private readonly gateway: Gateway,
  ) {}

  isThread(channel: ApiChannel): boolean {
    return THREAD_TYPES.includes(channel.type);
  }

  /** POST /channels/{channel.id}/messages/{message.id}/threads: a public thread (type 11) on the message. */
  startFromMessage(
    parent: ApiChannel,
    starter: StoredMessage,
    userId: Snowflake,
    body: JsonObject,
    now = Date.now(),
  ): ApiChannel {
    if (parent.type !== 0 && parent.type !== 5) throw threadErrors.wrongChannelType();
    if (!hasPermission(this.world.channelPermissions(parent.id, userId), "CreatePublicThreads"))
      throw apiErrors.missingPermissions();
    const errors = new FormErrors();
    const name = typeof body.name === "string" ? body.name.trim() : "";
    if (name === "") errors.add(["name"], "BASE_TYPE_REQUIRED", "This field is required");
    else errors.maxLength(["name"], name, 100);
    const duration = body.auto_archive_duration;
    if (duration !== undefined && duration !== null && !AUTO_ARCHIVE_DURATIONS.includes(Number(duration)))
      errors.add(
        ["auto_archive_duration"],
        "BASE_TYPE_CHOICES",
        `Value must be one of {${AUTO_ARCHIVE_DURATIONS.join(", ")}}.`,
      );
    errors.throwIfAny();
    if (this.started.has(starter.message.id)) throw threadErrors.alreadyCreated();
    this.started.add(starter.message.id);
    const created = discordTimestamp(now);
    const thread = newThreadChannel(starter.message.id, parent, name, userId, created);
    thread.thread_metadata!.auto_archive_duration = Number(
      duration ?? parent.default_auto_archive_duration ?? 1440,
    );
    this.world.addChannel(parent.guild_id, thread);
    starter.message = { ...starter.message, thread: threadPayload(thread) };
    this.dispatch(thread, "THREAD_CREATE", { ...threadPayload(thread), newly_created: true });
    return thread;
  }

  /**
   * Before `userId` posts in a thread: an archived one is unarchived by the message, unless it is
   * locked and the author lacks Manage Threads (then 50083); a locked active one takes messages only
   * from those who can manage threads.
   */
  beforeMessage(thread: ApiChannel, userId: Snowflake, now = Date.now()): void {
    const meta = thread.thread_metadata;
    if (!meta) return;
    const manages = hasPermission(this.world.channelPermissions(thread.id, userId), "ManageThreads");
    if (meta.locked && !manages) throw meta.archived ? threadErrors.archived() : threadErrors.locked();
    if (meta.archived) this.update(thread, { archived: false }, now);
    thread.message_count = (thread.message_count ?? 0) + 1;
  }

  /**
   * PATCH /channels/{thread.id}: its creator (or whoever can Manage Threads) renames it and sets its
   * auto-archive; locking needs Manage Threads; an archived thread only takes `archived: false` first
   * (50083), which Send Messages in Threads allows; a locked one is for managers only.
   */
  modify(thread: ApiChannel, userId: Snowflake, body: JsonObject, now = Date.now()): ApiChannel {
    const meta = thread.thread_metadata!;
    const perms = this.world.channelPermissions(thread.id, userId);
    if (!hasPermission(perms, "ViewChannel")) throw apiErrors.missingAccess();
    const manages = hasPermission(perms, "ManageThreads");
    const owns = thread.owner_id === userId;
    if (meta.locked && !manages) throw threadErrors.locked();
    if (meta.archived && body.archived !== false) throw threadErrors.archived();
    const unarchiveOnly = Object.keys(body).every((key) => key === "archived") && body.archived === false;
    if ("locked" in body && !manages) throw apiErrors.missingPermissions();
    if (!manages && !owns && !(unarchiveOnly && hasPermission(perms, "SendMessagesInThreads")))
      throw apiErrors.missingPermissions();
    const errors = new FormErrors();
    if ("name" in body) {
      const name = typeof body.name === "string" ? body.name.trim() : "";
      if (name === "") errors.add(["name"], "BASE_TYPE_REQUIRED", "This field is required");
      else errors.maxLength(["name"], name, 100);
    }
    const duration = body.auto_archive_duration;
    if (duration !== undefined && !AUTO_ARCHIVE_DURATIONS.includes(Number(duration)))
      errors.add(
        ["auto_archive_duration"],
        "BASE_TYPE_CHOICES",
        `Value must be one of {${AUTO_ARCHIVE_DURATIONS.join(", ")}}.`,
      );
    errors.throwIfAny();
    if (typeof body.name === "string") thread.name = body.name.trim();
    if (duration !== undefined) meta.auto_archive_duration = Number(duration);
    this.update(
      thread,
      {
        ...(typeof body.archived === "boolean" ? { archived: body.archived } : {}),
        ...(typeof body.locked === "boolean" ? { locked: body.locked } : {}),
      },
      now,
    );
    return thread;
  }

  /** A moderator archives (and maybe locks) a thread, or opens it again. */
  update(thread: ApiChannel, change: { archived?: boolean; locked?: boolean }, now = Date.now()): void {
    const meta = thread.thread_metadata;
    if (!meta) throw new StandInUsageError(`#${thread.name} is not a thread`);
    if (change.archived !== undefined && change.archived !== meta.archived) {
      meta.archived = change.archived;
      meta.archive_timestamp = discordTimestamp(now);
    }
    if (change.locked !== undefined) meta.locked = change.locked;
    this.dispatch(thread, "THREAD_UPDATE", threadPayload(thread));
  }

  /** A moderator deletes a thread: it is gone (10003 from now on), its starter message keeps no thread. */
  remove(thread: ApiChannel, starter: StoredMessage | undefined): void {
    if (!this.isThread(thread)) throw new StandInUsageError(`#${thread.name} is not a thread`);
    this.world.removeChannel(thread.id);
    if (starter?.message.thread) {
      const { thread: _gone, ...rest } = starter.message;
      starter.message = rest;
    }
    this.dispatch(thread, "THREAD_DELETE", {
      id: thread.id,
      guild_id: thread.guild_id,
      parent_id: thread.parent_id,
      type: thread.type,
    });
  }

  private dispatch(thread: ApiChannel, t: string, d: JsonObject): void {
    this.gateway.dispatchToGuild(thread.guild_id, t, (session) => (session.has(Intent.Guilds) ? d : null));
  }
}

/** A thread as the gateway and REST send it: a channel without overwrites of its own. */
export function threadPayload(thread: ApiChannel): JsonObject {
  const { permission_overwrites: _parents, ...rest } = thread;
  return rest as unknown as JsonObject;
}
