import { hasRoom } from "../../domain/agent-capacity.ts";
import { AgentFullError } from "../../domain/errors.ts";
import { lockAgentLoad } from "../../store/agents.ts";
import type { Tx } from "../../store/database.ts";

/**
 * A registered agent takes no more work than the capacity rule allows (src/domain/agent-capacity.ts,
 * the rule auto-assign picks by); a person is never capped. Holds the agent's row lock until the
 * transaction ends, so racing assigns decide one after the other.
 */
export async function requireAgentRoom(tx: Tx, guildId: string, assigneeId: string): Promise<void> {
  const agent = await lockAgentLoad(tx, guildId, assigneeId);
  if (agent && !hasRoom(agent, agent.load))
    throw new AgentFullError(assigneeId, agent.load, agent.maxConcurrent);
}
