import type { TaskStatus } from "./task-states.ts";

/**
 * The one capacity rule for handing work to an agent (auto-assign picking one, a person assigning
 * one): an agent holds at most its max-concurrent tasks that are open or in progress, assigned to it.
 */
export const AGENT_LOAD_STATUSES = ["open", "in_progress"] as const satisfies readonly TaskStatus[];

export function hasRoom(agent: { maxConcurrent: number }, load: number): boolean {
  return load < agent.maxConcurrent;
}

/** An agent without labels takes anything; one with labels takes tasks whose labels it all has. */
export function coversLabels(agentLabels: readonly string[], taskLabels: readonly string[]): boolean {
  return agentLabels.length === 0 || taskLabels.every((label) => agentLabels.includes(label));
}
