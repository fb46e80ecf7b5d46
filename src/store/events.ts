import { desc, eq, sql } from "drizzle-orm";
import type { EventSource, TaskStatus } from "../domain/task-states.ts";
import type { Queryable, Tx } from "./database.ts";
import { newNonce, type OutboxTarget } from "./outbox.ts";
import { type TaskEventRow, taskEvents } from "./schema.ts";

export interface NewEvent {
  taskId: number;
  guildId: string;
  actorId: string;
  kind: string;
  fromStatus?: TaskStatus | null;
  toStatus?: TaskStatus | null;
  details?: Record<string, unknown>;
  source: EventSource;
}

export async function insertEvent(tx: Tx, event: NewEvent, now: Date): Promise<void> {
  await tx.insert(taskEvents).values({
    ...event,
    fromStatus: event.fromStatus ?? null,
    toStatus: event.toStatus ?? null,
    details: event.details ?? {},
    createdAt: now,
  });
}

/**
 * The event and the card outbox row a change writes, in one statement (a data-modifying CTE): the
 * same rows insertEvent and enqueueOutbox({ kind: "card" }) would write.
 */
export async function insertEventWithCard(
  tx: Tx,
  event: NewEvent,
  card: { target: OutboxTarget; version: number; dueAt: Date },
  now: Date,
): Promise<void> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const due = sql`${card.dueAt.toISOString()}::timestamptz`;
  const payload = JSON.stringify({ taskId: card.target.taskId, version: card.version });
  await tx.execute(sql`
    WITH event AS (
      INSERT INTO task_events (task_id, guild_id, actor_id, kind, from_status, to_status, details, source, created_at)
      VALUES (${event.taskId}, ${event.guildId}, ${event.actorId}, ${event.kind}, ${event.fromStatus ?? null},
        ${event.toStatus ?? null}, ${JSON.stringify(event.details ?? {})}::jsonb, ${event.source}, ${at})
      RETURNING id)
    INSERT INTO outbox (guild_id, channel_id, task_id, kind, payload, coalesce_key, nonce, next_attempt_at, created_at)
    VALUES (${card.target.guildId}, ${card.target.channelId}, ${card.target.taskId}, 'card', ${payload}::jsonb,
      ${`card:${card.target.taskId}`}, ${newNonce()}, ${due}, ${at})`);
}

export async function latestEvent(q: Queryable, taskId: number): Promise<TaskEventRow | undefined> {
  const [row] = await q
    .select()
    .from(taskEvents)
    .where(eq(taskEvents.taskId, taskId))
    .orderBy(desc(taskEvents.id))
    .limit(1);
  return row;
}
