import type { APIEmbed } from "discord.js";
import type { AgentView } from "../../services/views.ts";
import { inlineCode, userMention } from "./format.ts";
import { fitEmbed } from "./limits.ts";

export function agentLine(agent: AgentView): string {
  const labels = agent.labels.length ? agent.labels.map(inlineCode).join(" ") : "any labels";
  return `${userMention(agent.userId)} · ${labels} · ${agent.liveTasks}/${agent.maxConcurrent} tasks`;
}

export function renderAgents(agents: AgentView[]): APIEmbed {
  return fitEmbed({
    title: "Agents",
    description: agents.length
      ? agents.map(agentLine).join("\n")
      : "No agents yet. Add one with `/tasklane agent add`.",
    footer: { text: `${agents.length} registered` },
  });
}
