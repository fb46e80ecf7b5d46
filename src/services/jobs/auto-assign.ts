import { coversLabels, hasRoom } from "../../domain/agent-capacity.ts";
import { UserError } from "../../domain/errors.ts";
import type { Logger } from "../../log.ts";
import {
  type AgentLoad,
  type AutoAssignCandidate,
  selectAgentLoads,
  selectAutoAssignCandidates,
  selectAutoAssignGuilds,
  underAutoAssignLock,
} from "../../store/auto-assign.ts";
import type { Database } from "../../store/database.ts";
import { sqlNow } from "../../store/raw.ts";
import { actorEverywhere } from "../actors.ts";
import type { TaskService } from "../contracts.ts";

export interface AutoAssignDeps {
  database: Database;
  tasks: TaskService;
  log: Logger;
  systemUserId: () => string | undefined;
  now?: () => Date;
}

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
  let assigned = 0;
  for (const guildId of await selectAutoAssignGuilds(deps.database)) {
    assigned += await underAutoAssignLock(deps.database, guildId, () => assignInGuild(deps, guildId, userId));
  }
  return assigned;
}

async function assignInGuild(deps: AutoAssignDeps, guildId: string, userId: string): Promise<number> {
  const candidates = await selectAutoAssignCandidates(deps.database, guildId, sqlNow(deps.now));
  if (candidates.length === 0) return 0;
  const agents = await selectAgentLoads(deps.database, guildId);
  let assigned = 0;
  for (const task of candidates) {
    const agent = leastLoaded(agents, task.labels);
    if (!agent) continue;
    if (await assign(deps, guildId, userId, task, agent.userId)) {
      agent.load += 1;
      assigned += 1;
    }
  }
  return assigned;
}

/** The least loaded agent that covers the labels and has room (agent-capacity.ts); first registered wins ties. */
export function leastLoaded(agents: AgentLoad[], taskLabels: string[]): AgentLoad | undefined {
  let best: AgentLoad | undefined;
  for (const agent of agents) {
    if (!coversLabels(agent.labels, taskLabels) || !hasRoom(agent, agent.load)) continue;
    if (!best || agent.load < best.load) best = agent;
  }
  return best;
}

async function assign(
  deps: AutoAssignDeps,
  guildId: string,
  userId: string,
  task: AutoAssignCandidate,
  assigneeId: string,
): Promise<boolean> {
  const fields = { taskId: task.id, number: task.number, guildId, assigneeId };
  try {
    await deps.tasks.transition(
      {
        guildId,
        channelId: task.channelId,
        actor: actorEverywhere({ userId, permissions: ["manage_channels"], isBot: true }),
        source: "system",
      },
      { number: task.number, action: "assign", assigneeId, expectedVersion: task.version },
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
