import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import { AGENT_LOAD_STATUSES } from "../domain/agent-capacity.ts";
import type { Queryable, Tx } from "./database.ts";
import { queryRows } from "./raw.ts";
import { type AgentRow, agents } from "./schema.ts";

export interface AgentWithLoad extends Omit<AgentRow, "claimSeq"> {
  liveTasks: number;
}

export async function findAgent(
  q: Queryable,
  guildId: string,
  userId: string,
): Promise<AgentRow | undefined> {
  const [row] = await q
    .select()
    .from(agents)
    .where(and(eq(agents.guildId, guildId), eq(agents.userId, userId)));
  return row;
}

/** Pauses or resumes an agent; false when it is not registered. */
export async function setAgentPaused(
  tx: Tx,
  guildId: string,
  userId: string,
  paused: boolean,
): Promise<boolean> {
  const rows = await tx
    .update(agents)
    .set({ paused })
    .where(and(eq(agents.guildId, guildId), eq(agents.userId, userId)))
    .returning({ userId: agents.userId });
  return rows.length > 0;
}

/** Locks the agent's row: concurrent `next`/`start` calls by one agent take turns on its concurrency cap. */
export async function lockAgent(tx: Tx, guildId: string, userId: string): Promise<AgentRow | undefined> {
  const [row] = await tx
    .select()
    .from(agents)
    .where(and(eq(agents.guildId, guildId), eq(agents.userId, userId)))
    .for("update");
  return row;
}

export async function upsertAgent(
  tx: Tx,
  agent: { guildId: string; userId: string; labels: string[]; maxConcurrent: number; addedBy: string },
  now: Date,
): Promise<AgentRow> {
  const [row] = await tx
    .insert(agents)
    .values({ ...agent, createdAt: now })
    .onConflictDoUpdate({
      target: [agents.guildId, agents.userId],
      set: { labels: agent.labels, maxConcurrent: agent.maxConcurrent },
    })
    .returning();
  return row!;
}

export async function deleteAgent(tx: Tx, guildId: string, userId: string): Promise<boolean> {
  const deleted = await tx
    .delete(agents)
    .where(and(eq(agents.guildId, guildId), eq(agents.userId, userId)))
    .returning({ userId: agents.userId });
  return deleted.length > 0;
}

/** Tasks the user is working on right now (in progress) in the guild: what an agent's cap counts. */
/** How many tasks an agent holds, by the capacity rule (AGENT_LOAD_STATUSES); `guildId`/`userId` are SQL. */
export function agentLoadSql(guildId: SQL, userId: SQL): SQL {
  const statuses = sql.raw(AGENT_LOAD_STATUSES.map((status) => `'${status}'`).join(", "));
  return sql`(SELECT count(*)::int FROM tasks held WHERE held.guild_id = ${guildId}
    AND held.assignee_id = ${userId} AND held.status IN (${statuses}))`;
}

/**
 * Locks the agent's row (two assigns racing for its last slot take turns) and then counts what it holds
 * by the capacity rule; undefined for someone who is not a registered agent. Two statements on purpose:
 * under READ COMMITTED a count in the locking statement reads the snapshot taken before the lock wait,
 * so it would miss the assign that held the lock.
 */
export async function lockAgentLoad(
  tx: Tx,
  guildId: string,
  userId: string,
): Promise<{ maxConcurrent: number; load: number } | undefined> {
  const [agent] = await queryRows<{ max_concurrent: number }>(
    tx,
    sql`UPDATE agents SET claim_seq = claim_seq + 1 WHERE guild_id = ${guildId} AND user_id = ${userId}
      RETURNING max_concurrent`,
  );
  if (!agent) return undefined;
  const [held] = await queryRows<{ load: number }>(
    tx,
    sql`SELECT ${agentLoadSql(sql`${guildId}`, sql`${userId}`)} AS load`,
  );
  return { maxConcurrent: Number(agent.max_concurrent), load: Number(held?.load ?? 0) };
}

/**
 * Locks the agent's row (concurrent `next`/`start` calls by one agent take turns on its concurrency
 * cap), with the lease length of `channelId` (null: no settings row, the default applies), then counts
 * its tasks in progress in the guild. The count is its own statement on purpose: under READ COMMITTED
 * a count in the locking statement reads the snapshot taken before the lock wait, and would miss the
 * claim that held the lock. The lock moves `claim_seq` on, so a one-statement claim running meanwhile
 * sees it (store/queue.ts claimNextAlone).
 */
export async function lockAgentWithLoad(
  tx: Tx,
  guildId: string,
  userId: string,
  channelId: string,
): Promise<{ agent: AgentRow; busy: number; leaseMinutes: number | null } | undefined> {
  const [row] = await tx
    .update(agents)
    .set({ claimSeq: sql`${agents.claimSeq} + 1` })
    .where(and(eq(agents.guildId, guildId), eq(agents.userId, userId)))
    .returning({
      ...getTableColumns(agents),
      leaseMinutes: sql<
        number | null
      >`(SELECT lease_minutes FROM channel_settings WHERE channel_id = ${channelId})`,
    });
  if (!row) return undefined;
  const { leaseMinutes, ...agent } = row;
  return { agent, busy: await countInProgress(tx, guildId, userId), leaseMinutes };
}

export async function countInProgress(q: Queryable, guildId: string, userId: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    q,
    sql`
    SELECT count(*)::int AS n FROM tasks
    WHERE guild_id = ${guildId} AND assignee_id = ${userId} AND status = 'in_progress'`,
  );
  return Number(rows[0]?.n ?? 0);
}

export async function listAgentsWithLoad(
  q: Queryable,
  guildId: string,
  userId?: string,
): Promise<AgentWithLoad[]> {
  const rows = await queryRows(
    q,
    sql`
    SELECT a.guild_id, a.user_id, a.labels, a.max_concurrent, a.paused, a.added_by, a.created_at,
      (SELECT count(*)::int FROM tasks t
        WHERE t.guild_id = a.guild_id AND t.assignee_id = a.user_id
          AND t.status IN ('open', 'in_progress', 'in_review', 'blocked')) AS live_tasks
    FROM agents a
    WHERE a.guild_id = ${guildId} ${userId === undefined ? sql`` : sql`AND a.user_id = ${userId}`}
    ORDER BY a.created_at, a.user_id`,
  );
  return rows.map((row) => ({
    guildId: String(row.guild_id),
    userId: String(row.user_id),
    labels: row.labels as string[],
    maxConcurrent: Number(row.max_concurrent),
    paused: row.paused === true || row.paused === "t",
    addedBy: String(row.added_by),
    createdAt: new Date(String(row.created_at)),
    liveTasks: Number(row.live_tasks),
  }));
}
