import type { Snowflake } from "../types.ts";
import type { InteractionRecord } from "./record.ts";

export interface OpenModal {
  record: InteractionRecord;
  at: number;
}

/** Interactions by id and by token, and the modals each user has open. */
export class InteractionRegistry {
  private readonly byId = new Map<Snowflake, InteractionRecord>();
  private readonly byToken = new Map<string, InteractionRecord>();
  private readonly modals = new Map<Snowflake, OpenModal[]>();
  /** deferred updates (6) waiting for their component's message to change */
  private readonly watchingSource = new Map<Snowflake, Set<InteractionRecord>>();

  add(record: InteractionRecord): void {
    this.byId.set(record.id, record);
    this.byToken.set(record.token, record);
  }

  get(id: Snowflake): InteractionRecord | undefined {
    return this.byId.get(id);
  }

  withToken(token: string): InteractionRecord | undefined {
    return this.byToken.get(token);
  }

  all(): InteractionRecord[] {
    return [...this.byId.values()];
  }

  watchSource(messageId: Snowflake, record: InteractionRecord): void {
    const set = this.watchingSource.get(messageId) ?? new Set();
    set.add(record);
    this.watchingSource.set(messageId, set);
  }

  /** A message changed: interactions that deferred an update of it may now have their answer. */
  sourceEdited(messageId: Snowflake): void {
    const set = this.watchingSource.get(messageId);
    if (!set) return;
    this.watchingSource.delete(messageId);
    for (const record of set) record.waiters.notify();
  }

  openModal(record: InteractionRecord): void {
    const list = this.modals.get(record.userId) ?? [];
    list.push({ record, at: Date.now() });
    this.modals.set(record.userId, list);
  }

  /** The newest modal open for this user (optionally with this custom_id). */
  findModal(userId: Snowflake, customId?: string): OpenModal | undefined {
    const list = this.modals.get(userId) ?? [];
    return list.findLast((open) => customId === undefined || open.record.modal?.custom_id === customId);
  }

  /** A submitted modal closes. */
  closeModal(userId: Snowflake, open: OpenModal): void {
    const list = this.modals.get(userId) ?? [];
    const i = list.indexOf(open);
    if (i >= 0) list.splice(i, 1);
  }

  openModals(userId: Snowflake): OpenModal[] {
    return [...(this.modals.get(userId) ?? [])];
  }
}
