import type { ApiMessage, Snowflake } from "../types.ts";
import { Waiters, type WaitOptions } from "../wait.ts";
import type { MessageStore } from "./messages.ts";
import type { MessageEvent, MessageEventKind } from "./messaging.ts";

export interface MessageLogEntry {
  seq: number;
  kind: MessageEventKind;
  messageId: Snowflake;
  channelId: Snowflake;
  sentBy: "bot" | "user";
  ephemeral: boolean;
  at: number;
}

export interface MessageMatch {
  /** channel id (names are resolved by the stand-in) */
  channelId?: Snowflake;
  kind?: MessageEventKind;
  sentBy?: "bot" | "user";
  /** include ephemeral messages (default: only messages everyone sees) */
  ephemeral?: boolean;
  where?: (message: ApiMessage) => boolean;
}

/** Every create/update/delete of a message, in order, to await what the bot posts or edits. */
export class MessageLog {
  readonly entries: MessageLogEntry[] = [];
  private readonly waiters = new Waiters();

  constructor(private readonly store: MessageStore) {}

  add(event: MessageEvent): void {
    const { stored } = event;
    this.entries.push({
      seq: this.entries.length,
      kind: event.kind,
      messageId: stored.message.id,
      channelId: stored.message.channel_id,
      sentBy: stored.sentBy,
      ephemeral: stored.ephemeral,
      at: Date.now(),
    });
    this.waiters.notify();
  }

  mark(): number {
    return this.entries.length;
  }

  /** The current state of the first message whose create/update after `since` matches. */
  waitFor(match: MessageMatch, options: WaitOptions & { since?: number } = {}): Promise<ApiMessage> {
    const since = options.since ?? 0;
    return this.waiters.wait(
      () => {
        for (const e of this.entries.slice(since)) {
          if (match.kind ? e.kind !== match.kind : e.kind === "delete") continue;
          if (match.channelId && e.channelId !== match.channelId) continue;
          if (match.sentBy && e.sentBy !== match.sentBy) continue;
          if (e.ephemeral && !match.ephemeral) continue;
          const message = this.store.get(e.messageId)?.message;
          if (message && (!match.where || match.where(message))) return message;
        }
        return undefined;
      },
      () => `a message ${JSON.stringify({ ...match, where: match.where ? "…" : undefined })} after #${since}`,
      options,
    );
  }
}
