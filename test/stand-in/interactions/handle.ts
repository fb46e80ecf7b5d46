import type { MessageStore } from "../state/messages.ts";
import type { ApiChoice, ApiInteraction, ApiMessage, ApiModal } from "../types.ts";
import type { WaitOptions } from "../wait.ts";
import { type CallbackInfo, CallbackType, type InteractionEvent, type InteractionRecord } from "./record.ts";

/** What a test holds after sending an interaction: awaits the bot's answers to it. */
export class InteractionHandle {
  constructor(
    readonly record: InteractionRecord,
    private readonly store: MessageStore,
  ) {}

  get id(): string {
    return this.record.id;
  }

  get token(): string {
    return this.record.token;
  }

  /** the INTERACTION_CREATE payload as dispatched */
  get payload(): ApiInteraction {
    return this.record.payload;
  }

  get events(): readonly InteractionEvent[] {
    return this.record.events;
  }

  /** ms from dispatch to the first callback's arrival; undefined until acknowledged */
  get latencyMs(): number | undefined {
    return this.record.callback?.latencyMs;
  }

  /** The first accepted callback (its type and data). */
  callback(options?: WaitOptions): Promise<CallbackInfo> {
    return this.waitFor(() => this.record.callback, "a callback", options);
  }

  /**
   * The message the user ends up seeing as the answer: the reply (4); a deferred reply once it is
   * filled in (5, by an edit of @original or the first follow-up); the updated message (7); after a
   * deferred update (6), the next edit of the message (by webhook or channel route) or a follow-up,
   * whichever comes first.
   */
  async reply(options?: WaitOptions): Promise<ApiMessage> {
    const cb = await this.callback(options);
    if (cb.type === CallbackType.Modal)
      throw new Error(`${this.record.label} was answered with a modal, not a message`);
    if (cb.type === CallbackType.AutocompleteResult)
      throw new Error(`${this.record.label} was answered with choices`);
    return this.waitFor(
      () => {
        const r = this.record;
        if (cb.type === CallbackType.DeferredChannelMessage && r.originalLoading) return undefined;
        if (cb.type === CallbackType.DeferredUpdateMessage) {
          const after = r.events.find((e) => e.kind === "original-edited" || e.kind === "followup");
          if (after?.messageId) return this.current(after.messageId);
          // the bot may also edit the message through the channel route instead of the webhook
          const source = r.sourceMessageId ? this.store.get(r.sourceMessageId) : undefined;
          return source && source.versions.length > (r.sourceVersionsAtCallback ?? 0)
            ? source.message
            : undefined;
        }
        return r.originalMessageId ? this.current(r.originalMessageId) : undefined;
      },
      "the reply to be filled in",
      options,
    );
  }

  /** The modal the bot opened (callback type 9). */
  async modal(options?: WaitOptions): Promise<ApiModal> {
    const cb = await this.callback(options);
    if (cb.type !== CallbackType.Modal)
      throw new Error(`${this.record.label} was answered with type ${cb.type}, not a modal`);
    return this.record.modal!;
  }

  /** The autocomplete choices (callback type 8). */
  async choices(options?: WaitOptions): Promise<ApiChoice[]> {
    const cb = await this.callback(options);
    if (cb.type !== CallbackType.AutocompleteResult)
      throw new Error(`${this.record.label} was answered with type ${cb.type}, not choices`);
    return this.record.choices!;
  }

  /** The n-th follow-up message (0 = first), in its current state. */
  followUp(index = 0, options?: WaitOptions): Promise<ApiMessage> {
    return this.waitFor(
      () => {
        const id = this.record.followUpIds[index];
        return id ? this.current(id) : undefined;
      },
      `follow-up #${index + 1}`,
      options,
    );
  }

  /** Waits for an event of this interaction after the first `since` events (e.g. an edit of @original). */
  nextEvent(kind: InteractionEvent["kind"], since: number, options?: WaitOptions): Promise<InteractionEvent> {
    return this.waitFor(
      () => this.record.events.slice(since).find((e) => e.kind === kind),
      `a "${kind}" event`,
      options,
    );
  }

  /** The original response and the follow-ups, current state, deleted ones left out. */
  messages(): ApiMessage[] {
    const ids = [this.record.originalMessageId, ...this.record.followUpIds].filter((id): id is string =>
      Boolean(id),
    );
    return ids.flatMap((id) => {
      const stored = this.store.get(id);
      return stored && !stored.deleted ? [stored.message] : [];
    });
  }

  /** Waits until `probe` finds something in this interaction's state. */
  waitFor<T>(probe: () => T | undefined, what: string, options?: WaitOptions): Promise<T> {
    return this.record.waiters.wait(probe, () => `${what} of ${this.describe()}`, options);
  }

  private current(id: string): ApiMessage | undefined {
    return this.store.get(id)?.message;
  }

  private describe(): string {
    const r = this.record;
    const refused = r.refused.map((x) => `${x.status}/${x.code}`).join(", ");
    const cb = r.callback ? `callback type ${r.callback.type}` : "no callback";
    return `interaction ${r.id} (${r.label} by ${r.payload.member.user.username}): ${cb}${refused ? `, refused: ${refused}` : ""}, events: ${r.events.map((e) => e.kind).join(", ") || "none"}`;
  }
}
