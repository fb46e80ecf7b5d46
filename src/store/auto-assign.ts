import { type SQL, sql } from "drizzle-orm";
import { agentLoadSql } from "./agents.ts";
import type { Database } from "./database.ts";
import { eligibleOpenTask } from "./eligibility.ts";
import { queryRows } from "./raw.ts";

export interface AutoAssignCandidate {
  id: number;
  number: number;
  channelId: string;
  labels: string[];
  version: number;
}

export interface AgentLoad {
  userId: string;
  labels: string[];
  maxConcurrent: number;
  /** The tasks it holds by the capacity rule (src/domain/agent-capacity.ts). */
  load: number;
}

/** Arbitrary constant: the advisory-lock namespace of auto-assignment (one pass per guild at a time). */
const AUTO_ASSIGN_LOCK = 72_361;
/** Kinds that mean someone already had (or gave up) this task since it was created or reopened. */
const HANDLED_KINDS = sql.raw(`'claimed', 'assigned', 'unassigned', 'released', 'started'`);

/** Guilds with an unassigned open task in a channel set to auto-assign. */
export async function selectAutoAssignGuilds(database: Database): Promise<string[]> {
  const rows = await queryRows<{ guild_id: string }>(
    database.db,
    sql`SELECT DISTINCT t.guild_id FROM tasks t
      JOIN channel_settings s ON s.channel_id = t.channel_id AND s.auto_assign = 'least_loaded'
      WHERE t.status = 'open' AND t.assignee_id IS NULL`,
  );
  return rows.map((row) => row.guild_id);
}

/**
 * Runs `work` holding the guild's auto-assign advisory lock on a connection of its own (a session
 * lock: a pass longer than the idle-in-transaction timeout keeps it); 0 without running it when
 * another instance holds it.
 */
export async function underAutoAssignLock(
  database: Database,
  guildId: string,
  work: () => Promise<number>,
): Promise<number> {
  return (await database.withSessionLock(AUTO_ASSIGN_LOCK, guildId, work)) ?? 0;
}

/** Unassigned open tasks nobody has had since they were created or reopened, in queue order. */
export async function selectAutoAssignCandidates(
  database: Database,
  guildId: string,
  now: SQL,
): Promise<AutoAssignCandidate[]> {
  const rows = await queryRows<{
    id: number;
    number: number;
    channel_id: string;
    labels: string[];
    version: number;
  }>(
    database.db,
    sql`SELECT t.id, t.number, t.channel_id, t.labels, t.version FROM tasks t
      JOIN channel_settings s ON s.channel_id = t.channel_id AND s.auto_assign = 'least_loaded'
      WHERE t.guild_id = ${guildId} AND t.assignee_id IS NULL AND ${eligibleOpenTask("t", now)}
        AND NOT EXISTS (SELECT 1 FROM task_events e WHERE e.task_id = t.id AND e.kind IN (${HANDLED_KINDS})
          AND e.id > (SELECT coalesce(max(r.id), 0) FROM task_events r
            WHERE r.task_id = t.id AND r.kind IN ('created', 'reopened')))
      ORDER BY t.priority_rank, t.created_at, t.id
      LIMIT 50`,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    number: Number(row.number),
    channelId: row.channel_id,
    labels: row.labels,
    version: Number(row.version),
  }));
}

/** The guild's registered agents, first registered first, with their current load. */
export async function selectAgentLoads(database: Database, guildId: string): Promise<AgentLoad[]> {
  const rows = await queryRows<{ user_id: string; labels: string[]; max_concurrent: number; load: number }>(
    database.db,
    sql`SELECT a.user_id, a.labels, a.max_concurrent, ${agentLoadSql(sql`a.guild_id`, sql`a.user_id`)} AS load
      FROM agents a WHERE a.guild_id = ${guildId}
      ORDER BY a.created_at, a.user_id`,
  );
  return rows.map((row) => ({
    userId: row.user_id,
    labels: row.labels,
    maxConcurrent: Number(row.max_concurrent),
    load: Number(row.load),
  }));
}
