import type { ApiAllowedMentions, ApiMessage, Snowflake } from "../types.ts";

export interface StoredMessage {
  /** the message as Discord would return it now */
  message: ApiMessage;
  guildId: Snowflake;
  ephemeral: boolean;
  /** for ephemeral messages: the only user who sees it */
  visibleTo?: Snowflake;
  /** the interaction whose response or follow-up this is */
  interactionId?: Snowflake;
  /** what the sender asked for; Discord does not return it, the computed `mentions` show its effect */
  allowedMentions?: ApiAllowedMentions;
  /** earlier states of the message, oldest first */
  versions: ApiMessage[];
  deleted: boolean;
  sentBy: "bot" | "user";
}

/** Every message of the world, by id and by channel, plus the nonces Discord remembers for a while. */
export class MessageStore {
  private readonly byId = new Map<Snowflake, StoredMessage>();
  private readonly byChannel = new Map<Snowflake, Snowflake[]>();
  private readonly nonces = new Map<string, { messageId: Snowflake; at: number }>();

  add(stored: StoredMessage): void {
    this.byId.set(stored.message.id, stored);
    const list = this.byChannel.get(stored.message.channel_id) ?? [];
    list.push(stored.message.id);
    this.byChannel.set(stored.message.channel_id, list);
  }

  get(id: Snowflake): StoredMessage | undefined {
    return this.byId.get(id);
  }

  /** Live messages of a channel that everyone sees, oldest first (ephemeral ones are not in the channel). */
  inChannel(channelId: Snowflake): StoredMessage[] {
    return (this.byChannel.get(channelId) ?? [])
      .map((id) => this.byId.get(id)!)
      .filter((m) => !m.deleted && !m.ephemeral);
  }

  all(): StoredMessage[] {
    return [...this.byId.values()];
  }

  replace(id: Snowflake, next: ApiMessage): StoredMessage {
    const stored = this.byId.get(id);
    if (!stored) throw new Error(`no message ${id}`);
    stored.versions.push(stored.message);
    stored.message = next;
    return stored;
  }

  /** The message an author already created with this nonce within the window, if any. */
  byNonce(
    authorId: Snowflake,
    nonce: string | number,
    windowMs: number,
    now = Date.now(),
  ): StoredMessage | undefined {
    const hit = this.nonces.get(`${authorId}:${nonce}`);
    if (!hit || now - hit.at > windowMs) return undefined;
    return this.byId.get(hit.messageId);
  }

  rememberNonce(authorId: Snowflake, nonce: string | number, messageId: Snowflake, now = Date.now()): void {
    this.nonces.set(`${authorId}:${nonce}`, { messageId, at: now });
  }
}
