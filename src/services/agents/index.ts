import { ForbiddenError, NotFoundError } from "../../domain/errors.ts";
import { canManageServer } from "../../domain/roles.ts";
import { agentInputSchema } from "../../domain/validation/config-inputs.ts";
import { snowflake } from "../../domain/validation/fields.ts";
import { parseInput } from "../../domain/validation/parse.ts";
import { actionContextSchema } from "../../domain/validation/task-inputs.ts";
import { deleteAgent, listAgentsWithLoad, setAgentPaused, upsertAgent } from "../../store/agents.ts";
import { inTransaction } from "../../store/transaction.ts";
import type { ActionContext, AgentService, ServiceDeps } from "../contracts.ts";
import { withDatabaseFaults } from "../database-faults.ts";
import { createEngine, type Engine } from "../engine.ts";
import type { AgentView } from "../views.ts";

/** Agents: Discord users (usually bots) that get tasks through `next`, with labels and a concurrency cap. */
export function createAgentService(deps: ServiceDeps): AgentService {
  const engine = createEngine(deps);
  return withDatabaseFaults({
    add: (ctx, input) => addAgent(engine, ctx, input),
    remove: (ctx, userId) => removeAgent(engine, ctx, userId),
    setPaused: (ctx, userId, paused) => pauseAgent(engine, ctx, userId, paused),
    list: async (rawCtx) => {
      const ctx = parseInput(actionContextSchema, rawCtx);
      requireServerManager(ctx);
      return (await listAgentsWithLoad(engine.db, ctx.guildId)).map(toAgentView);
    },
    get: async (guildId, userId) => {
      parseInput(snowflake, guildId, "guildId");
      parseInput(snowflake, userId, "userId");
      const [agent] = await listAgentsWithLoad(engine.db, guildId, userId);
      return agent ? toAgentView(agent) : null;
    },
  });
}

/** The agent registry is server-wide: Manage Server or Administrator, whatever the channel. */
function requireServerManager(ctx: ActionContext): void {
  if (!canManageServer(ctx.actor)) {
    throw new ForbiddenError("Only members who can manage the server can see or change its agents.");
  }
}

async function addAgent(
  engine: Engine,
  rawCtx: ActionContext,
  raw: { userId: string; labels?: string | string[]; maxConcurrent?: number },
): Promise<AgentView> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const input = parseInput(agentInputSchema, raw);
  requireServerManager(ctx);
  await inTransaction(engine.db, (tx) =>
    upsertAgent(tx, { guildId: ctx.guildId, ...input, addedBy: ctx.actor.userId }, engine.now()),
  );
  engine.log.info(
    { guildId: ctx.guildId, agentId: input.userId, actorId: ctx.actor.userId },
    "agent registered",
  );
  const [agent] = await listAgentsWithLoad(engine.db, ctx.guildId, input.userId);
  return toAgentView(agent!);
}

async function removeAgent(engine: Engine, rawCtx: ActionContext, rawUserId: string): Promise<void> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const userId = parseInput(snowflake, rawUserId, "userId");
  requireServerManager(ctx);
  const removed = await inTransaction(engine.db, (tx) => deleteAgent(tx, ctx.guildId, userId));
  if (!removed) throw new NotFoundError(`<@${userId}> is not a registered agent in this server.`);
  engine.log.info({ guildId: ctx.guildId, agentId: userId, actorId: ctx.actor.userId }, "agent removed");
}

async function pauseAgent(
  engine: Engine,
  rawCtx: ActionContext,
  rawUserId: string,
  paused: boolean,
): Promise<AgentView> {
  const ctx = parseInput(actionContextSchema, rawCtx);
  const userId = parseInput(snowflake, rawUserId, "userId");
  requireServerManager(ctx);
  const found = await inTransaction(engine.db, (tx) => setAgentPaused(tx, ctx.guildId, userId, paused));
  if (!found) throw new NotFoundError(`<@${userId}> is not a registered agent in this server.`);
  engine.log.warn(
    { guildId: ctx.guildId, agentId: userId, actorId: ctx.actor.userId, paused },
    paused ? "agent paused" : "agent resumed",
  );
  const [agent] = await listAgentsWithLoad(engine.db, ctx.guildId, userId);
  return toAgentView(agent!);
}

function toAgentView(agent: {
  guildId: string;
  userId: string;
  labels: string[];
  maxConcurrent: number;
  liveTasks: number;
  paused: boolean;
}): AgentView {
  return {
    guildId: agent.guildId,
    userId: agent.userId,
    labels: agent.labels,
    maxConcurrent: agent.maxConcurrent,
    liveTasks: agent.liveTasks,
    paused: agent.paused,
  };
}
