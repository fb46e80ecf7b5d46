import { and, eq, ne, sql } from "drizzle-orm";
import type { Queryable, Tx } from "./database.ts";
import { newNonce, type OutboxMessage, type OutboxTarget } from "./outbox.ts";
import { type ThreadState, taskThreads } from "./schema.ts";

/**
 * The thread on each task's card, where channels have threads on (schema.ts, taskThreads). Asked for
 * in the creating transaction together with the outbox row that opens it; Discord itself allows one
 * thread per message (its id is the message's), so two openers racing end with the same thread.
 */
export interface ThreadRecord {
  taskId: number;
  threadId: string | null;
  state: ThreadState;
  updatedAt: Date;
}

export interface ThreadOfTask {
  taskId: number;
  guildId: string;
  threadId: string;
}

/** In the creating transaction: the task gets a thread, opened by the `thread` outbox row written with it. */
export async function wantThread(tx: Tx, target: OutboxTarget, now: Date): Promise<void> {
  const at = sql`${now.toISOString()}::timestamptz`;
  await tx.execute(sql`
    WITH wanted AS (
      INSERT INTO task_threads (task_id, guild_id, state, created_at, updated_at)
      VALUES (${target.taskId}, ${target.guildId}, 'wanted', ${at}, ${at})
      ON CONFLICT (task_id) DO NOTHING
      RETURNING task_id)
    INSERT INTO outbox (guild_id, channel_id, task_id, kind, payload, nonce, next_attempt_at, created_at)
    SELECT ${target.guildId}, ${target.channelId}, task_id, 'thread',
      jsonb_build_object('taskId', task_id), ${newNonce()}, ${at}, ${at}
    FROM wanted`);
}

export async function findThread(db: Queryable, taskId: number): Promise<ThreadRecord | null> {
  const [row] = await db
    .select({
      taskId: taskThreads.taskId,
      threadId: taskThreads.threadId,
      state: taskThreads.state,
      updatedAt: taskThreads.updatedAt,
    })
    .from(taskThreads)
    .where(eq(taskThreads.taskId, taskId))
    .limit(1);
  return row ?? null;
}

/** The task whose open thread this is, within the guild; null for any other channel. */
export async function findTaskOfThread(
  db: Queryable,
  guildId: string,
  threadId: string,
): Promise<ThreadOfTask | null> {
  const [row] = await db
    .select({ taskId: taskThreads.taskId, guildId: taskThreads.guildId, threadId: taskThreads.threadId })
    .from(taskThreads)
    .where(
      and(
        eq(taskThreads.threadId, threadId),
        eq(taskThreads.guildId, guildId),
        eq(taskThreads.state, "open"),
      ),
    )
    .limit(1);
  return row?.threadId ? { taskId: row.taskId, guildId: row.guildId, threadId: row.threadId } : null;
}

/** The thread is open; a thread already recorded (another opener won) is kept. */
export async function recordThreadOpened(db: Queryable, taskId: number, threadId: string): Promise<void> {
  await db
    .update(taskThreads)
    .set({ threadId, state: "open", updatedAt: sql`now()` })
    .where(and(eq(taskThreads.taskId, taskId), eq(taskThreads.state, "wanted")));
}

/**
 * The thread was deleted (or could not be opened): the task's messages go to its channel from now on.
 * `threadId` null gives up a thread that was never opened.
 */
export async function forgetThread(db: Queryable, taskId: number, threadId: string | null): Promise<void> {
  await db
    .update(taskThreads)
    .set({ state: "gone", updatedAt: sql`now()` })
    .where(
      and(
        eq(taskThreads.taskId, taskId),
        ne(taskThreads.state, "gone"),
        threadId === null ? eq(taskThreads.state, "wanted") : eq(taskThreads.threadId, threadId),
      ),
    );
}

/**
 * A message that only a task with a thread gets (a comment typed outside it: the thread shows it; a
 * new title: the thread is renamed, the newest rename only), in one statement; nothing for a task without one.
 */
export async function enqueueForThread(
  tx: Tx,
  target: OutboxTarget,
  message: Extract<OutboxMessage, { kind: "comment" | "thread_name" }>,
  now: Date,
): Promise<void> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const coalesceKey = message.kind === "thread_name" ? `thread_name:${target.taskId}` : null;
  await tx.execute(sql`
    INSERT INTO outbox (guild_id, channel_id, task_id, kind, payload, coalesce_key, nonce, next_attempt_at, created_at)
    SELECT ${target.guildId}, ${target.channelId}, ${target.taskId}, ${message.kind},
      ${JSON.stringify(message.payload)}::jsonb, ${coalesceKey}, ${newNonce()}, ${at}, ${at}
    WHERE EXISTS (SELECT 1 FROM task_threads WHERE task_id = ${target.taskId} AND state <> 'gone')`);
}
