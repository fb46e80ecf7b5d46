import type { DiscordStandIn } from "../../test/stand-in/index.ts";

/** When each message the bot sent was edited (Date.now()), however it was edited: webhook or channel. */
export class MessageEdits {
  private readonly times = new Map<string, number[]>();

  constructor(standIn: DiscordStandIn) {
    standIn.on("message", ({ kind, stored }) => {
      if (kind !== "update") return;
      const list = this.times.get(stored.message.id);
      if (list) list.push(Date.now());
      else this.times.set(stored.message.id, [Date.now()]);
    });
  }

  /** The first edit of `messageId` at or after `since`. */
  firstAfter(messageId: string, since: number): number | undefined {
    return this.times.get(messageId)?.find((at) => at >= since);
  }
}
