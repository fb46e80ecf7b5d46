import { sql } from "drizzle-orm";
import { UserError } from "../domain/errors.ts";
import type { Logger } from "../log.ts";
import { actorEverywhere } from "../services/actors.ts";
import type { TaskService } from "../services/types.ts";
import type { Database } from "../store/database.ts";
import { queryRows } from "../store/raw.ts";

export interface AutoAssignDeps {
  database: Database;
  tasks: TaskService;
  log: Logger;
  systemUserId: () => string | undefined;
  now?: () => Date;
}

interface Candidate extends Record<string, unknown> {
  id: number;
  number: number;
  channel_id: string;
  labels: string[];
  version: number;
}

interface AgentLoad extends Record<string, unknown> {
  user_id: string;
  labels: string[];
  max_concurrent: number;
  load: number;
}

/** Arbitrary constant: the advisory-lock namespace of auto-assignment (one pass per guild at a time). */
const AUTO_ASSIGN_LOCK = 72_361;
/** Kinds that mean someone already had (or gave up) this task since it was created or reopened. */
const HANDLED_KINDS = sql.raw(`'claimed', 'assigned', 'unassigned', 'released', 'started'`);

/**
 * Channels set to `auto-assign: least-loaded` hand each new or re-opened task that nobody has had
 * yet to the registered agent with the fewest open or in-progress tasks whose labels cover the
 * task's, below its max-concurrent; ties go to the agent registered first. A task that no agent
 * can take now waits for the next pass. The assignment goes through the engine (an assign by
 * Tasklane itself, source system), so it is recorded, carded and notified like any other.
 *
 * Passes of one guild are serialized across instances by a transaction-level advisory lock (an
 * instance that does not get it skips that guild), so loads read by one pass are not raced by
 * another; each assign also carries the version it saw.
 */
export async function autoAssign(deps: AutoAssignDeps): Promise<number> {
  const userId = deps.systemUserId();
  if (!userId) return 0;
  const now = deps.now ? sql`${deps.now().toISOString()}::timestamptz` : sql`now()`;
  const guilds = await queryRows<{ guild_id: string }>(
    deps.database.db,
    sql`SELECT DISTINCT t.guild_id FROM tasks t
      JOIN channel_settings s ON s.channel_id = t.channel_id AND s.auto_assign = 'least_loaded'
      WHERE t.status = 'open' AND t.assignee_id IS NULL`,
  );
  let assigned = 0;
  for (const { guild_id: guildId } of guilds) {
    assigned += await underGuildLock(deps.database, guildId, () => assignInGuild(deps, guildId, userId, now));
  }
  return assigned;
}

async function underGuildLock(
  database: Database,
  guildId: string,
  work: () => Promise<number>,
): Promise<number> {
  // The embedded database is one process and one connection: the job runner already runs one pass at a time.
  if (database.kind === "pglite") return work();
  return database.db.transaction(async (tx) => {
    const [lock] = await queryRows<{ ok: boolean }>(
      tx,
      sql`SELECT pg_try_advisory_xact_lock(${AUTO_ASSIGN_LOCK}, hashtext(${guildId})) AS ok`,
    );
    return lock?.ok ? work() : 0;
  });
}

async function assignInGuild(
  deps: AutoAssignDeps,
  guildId: string,
  userId: string,
  now: ReturnType<typeof sql>,
): Promise<number> {
  const { db } = deps.database;
  const candidates = await queryRows<Candidate>(
    db,
    sql`SELECT t.id, t.number, t.channel_id, t.labels, t.version FROM tasks t
      JOIN channel_settings s ON s.channel_id = t.channel_id AND s.auto_assign = 'least_loaded'
      WHERE t.guild_id = ${guildId} AND t.status = 'open' AND t.assignee_id IS NULL
        AND (t.next_attempt_at IS NULL OR t.next_attempt_at <= ${now})
        AND NOT EXISTS (SELECT 1 FROM task_dependencies d JOIN tasks dt ON dt.id = d.depends_on_id
          WHERE d.task_id = t.id AND dt.status <> 'done')
        AND NOT EXISTS (SELECT 1 FROM task_events e WHERE e.task_id = t.id AND e.kind IN (${HANDLED_KINDS})
          AND e.id > (SELECT coalesce(max(r.id), 0) FROM task_events r
            WHERE r.task_id = t.id AND r.kind IN ('created', 'reopened')))
      ORDER BY t.priority_rank, t.created_at, t.id
      LIMIT 50`,
  );
  if (candidates.length === 0) return 0;
  const agents = await queryRows<AgentLoad>(
    db,
    sql`SELECT a.user_id, a.labels, a.max_concurrent,
        (SELECT count(*)::int FROM tasks t WHERE t.guild_id = a.guild_id AND t.assignee_id = a.user_id
          AND t.status IN ('open', 'in_progress')) AS load
      FROM agents a WHERE a.guild_id = ${guildId}
      ORDER BY a.created_at, a.user_id`,
  );
  let assigned = 0;
  for (const task of candidates) {
    const agent = leastLoaded(agents, task.labels);
    if (!agent) continue;
    if (await assign(deps, guildId, userId, task, agent.user_id)) {
      agent.load = Number(agent.load) + 1;
      assigned += 1;
    }
  }
  return assigned;
}

/** Fewest open/in-progress tasks among agents that cover the labels and are below their cap; first registered wins ties. */
export function leastLoaded<T extends { labels: string[]; max_concurrent: number; load: number }>(
  agents: T[],
  taskLabels: string[],
): T | undefined {
  let best: T | undefined;
  for (const agent of agents) {
    const covers = agent.labels.length === 0 || taskLabels.every((label) => agent.labels.includes(label));
    if (!covers || Number(agent.load) >= Number(agent.max_concurrent)) continue;
    if (!best || Number(agent.load) < Number(best.load)) best = agent;
  }
  return best;
}

async function assign(
  deps: AutoAssignDeps,
  guildId: string,
  userId: string,
  task: Candidate,
  assigneeId: string,
): Promise<boolean> {
  const fields = { taskId: Number(task.id), number: Number(task.number), guildId, assigneeId };
  try {
    await deps.tasks.transition(
      {
        guildId,
        channelId: task.channel_id,
        actor: actorEverywhere({ userId, permissions: ["manage_channels"], isBot: true }),
        source: "system",
      },
      { number: Number(task.number), action: "assign", assigneeId, expectedVersion: Number(task.version) },
    );
    deps.log.info(fields, "task auto-assigned to the least-loaded agent");
    return true;
  } catch (error) {
    if (error instanceof UserError) {
      deps.log.debug({ ...fields, reason: error.message }, "auto-assign skipped a task that changed");
      return false;
    }
    deps.log.warn({ ...fields, err: error }, "auto-assign failed; the next pass tries again");
    return false;
  }
}
