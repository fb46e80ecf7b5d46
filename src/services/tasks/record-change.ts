import type { EventSource, TaskStatus } from "../../domain/task-states.ts";
import type { Tx } from "../../store/database.ts";
import { type ChangeRows, insertChange } from "../../store/events.ts";
import type { TaskRow } from "../../store/schema.ts";
import { relativeNumbers } from "../../store/tasks.ts";
import type { Effects } from "../effects.ts";

export interface Change {
  task: TaskRow;
  actorId: string;
  source: EventSource;
  kind: string;
  from?: TaskStatus | null;
  to?: TaskStatus | null;
  details?: Record<string, unknown>;
  /** The status or title changed, so the views of its parent, subtasks and dependents are stale too. */
  relatives?: boolean;
  /** false when another change in the same transaction already refreshes the card. */
  card?: boolean;
  /** The relatives' numbers when the caller already read them (under the row lock), so no query. */
  relativeNumbers?: readonly number[];
  /** Outbox rows, a review, earlier events, an attempt that go with the change: in the event's statement. */
  rows?: Omit<ChangeRows, "card">;
}

/**
 * A change made by clicking a card is shown by that click (src/discord/cards/show-on-click.ts), which
 * settles the card's outbox row; the dispatcher waits this long before doing it instead (the click failed).
 */
export const CLICK_CARD_GRACE_MS = 5_000;
const CLICKED: ReadonlySet<EventSource> = new Set(["button", "modal"]);

/** Every change writes its event and refreshes its card, in the changing transaction: one statement. */
export async function recordChange(tx: Tx, effects: Effects, change: Change, now: Date): Promise<void> {
  const { task } = change;
  const event = {
    taskId: task.id,
    guildId: task.guildId,
    actorId: change.actorId,
    kind: change.kind,
    fromStatus: change.from ?? null,
    toStatus: change.to ?? null,
    details: eventDetails(change.details ?? {}),
    source: change.source,
  };
  const rows: ChangeRows = { ...change.rows };
  if (change.card !== false) {
    rows.card = { target: target(task), version: task.version, dueAt: cardDueAt(change.source, now) };
  }
  await insertChange(tx, event, rows, now);
  if ((rows.card && isDue(rows.card.dueAt, now)) || rows.messages?.length) effects.outbox = true;
  effects.task(task);
  if (change.relatives) effects.numbers([...(change.relativeNumbers ?? (await relativeNumbers(tx, task)))]);
}

export function target(task: TaskRow) {
  return { guildId: task.guildId, channelId: task.channelId, taskId: task.id };
}

/**
 * Whether a row due at `dueAt` is worth waking the dispatchers for (`outbox_ready`): a card row left to
 * the click or the reply that shows it is not, and a dispatcher woken for it would only find nothing
 * due (two statements on every instance); the dispatchers' polling (at most a second apart) sends it
 * once its grace is over.
 */
export function isDue(dueAt: Date, now: Date): boolean {
  return dueAt.getTime() <= now.getTime();
}

/** When a change's card row is due: at once, or after the grace a click has to show it itself. */
export function cardDueAt(source: EventSource, now: Date): Date {
  return CLICKED.has(source) ? new Date(now.getTime() + CLICK_CARD_GRACE_MS) : now;
}

/** An event's details without the empty ones. */
export function eventDetails(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(details).filter(([, value]) => value !== undefined && value !== null && value !== ""),
  );
}
