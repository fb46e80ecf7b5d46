import type { DiscordStandIn, MessageEvent, StoredMessage } from "../../test/stand-in/index.ts";
import type { MessageChange } from "./render-message.ts";

export interface FeedEntry {
  stored: StoredMessage;
  change: MessageChange;
}

/**
 * Everything the bot posts, edits or deletes, collected until taken: a message touched several
 * times since the last take is one entry in its latest state ("new" if it was created meanwhile).
 */
export class MessageFeed {
  private readonly pending = new Map<string, FeedEntry>();
  /** every bot message ever seen, oldest first; the stand-in updates these objects in place */
  private readonly seen = new Map<string, StoredMessage>();
  private lastEventAt = 0;
  private readonly listeners = new Set<() => void>();
  private readonly onMessage = (event: MessageEvent) => this.add(event);

  constructor(private readonly standIn: DiscordStandIn) {
    standIn.on("message", this.onMessage);
  }

  close(): void {
    this.standIn.off("message", this.onMessage);
  }

  /** Called after each bot message event (background printing in the interactive prompt). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every message the bot has sent, oldest first, in its current state. */
  all(): StoredMessage[] {
    return [...this.seen.values()].filter((stored) => !stored.deleted);
  }

  get size(): number {
    return this.pending.size;
  }

  take(): FeedEntry[] {
    const entries = [...this.pending.values()];
    this.pending.clear();
    return entries;
  }

  /** Resolves once no bot message has changed for `quietMs` from now (waiting at most `maxMs` in all). */
  async settle(quietMs: number, maxMs: number): Promise<void> {
    const started = Date.now();
    for (;;) {
      const idle = Date.now() - Math.max(this.lastEventAt, started);
      if (idle >= quietMs || Date.now() - started >= maxMs) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(quietMs - idle, maxMs)));
    }
  }

  private add({ kind, stored }: MessageEvent): void {
    if (stored.sentBy !== "bot") return;
    this.lastEventAt = Date.now();
    const id = stored.message.id;
    this.seen.set(id, stored);
    const before = this.pending.get(id);
    const change: MessageChange =
      kind === "delete" ? "deleted" : before?.change === "new" || kind === "create" ? "new" : "edited";
    if (kind === "delete" && before?.change === "new") this.pending.delete(id);
    else this.pending.set(id, { stored, change });
    for (const listener of this.listeners) listener();
  }
}
