import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";
import { UserError, ValidationError } from "../../src/domain/errors.ts";
import type { TaskView } from "../../src/services/types.ts";
import { readTaskFields } from "../read-task-fields.ts";

/**
 * `/task edit`: the fields, then the assignee, then the dependencies (set to exactly the list given).
 * Each step is its own service call; if a later one is refused, the reply says what was already saved.
 */
export async function editTask(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const number = interaction.options.getInteger("task", true);
  const { assigneeId, dependsOn, ...patch } = readTaskFields(interaction.options);
  const dependencies = Array.isArray(dependsOn) ? dependsOn : undefined;
  if (Object.keys(patch).length === 0 && !assigneeId && !dependencies) {
    throw new ValidationError("task", "Nothing to change: give at least one field, e.g. title or priority.");
  }
  const { tasks } = ctx.services;
  const changed: string[] = [];
  const touched: TaskView[] = [];
  try {
    if (Object.keys(patch).length > 0) {
      touched.push(await tasks.edit(ctx.action, number, patch));
      changed.push(...Object.keys(patch).map(optionName));
    }
    if (assigneeId) {
      const result = await tasks.transition(ctx.action, { number, action: "assign", assigneeId });
      touched.push(result.task, ...result.alsoChanged);
      changed.push("assignee");
    }
    if (dependencies) {
      touched.push(await setDependencies(ctx, number, dependencies));
      changed.push("depends-on");
    }
  } catch (error) {
    await ctx.refreshCards(latestOf(touched));
    if (error instanceof UserError && changed.length > 0) {
      throw new UserError(`Saved ${changed.join(", ")} of #${number}, but then: ${error.message}`);
    }
    throw error;
  }
  await answerEphemeral(interaction, `Updated **#${number}**: ${changed.join(", ")}.`);
  await ctx.refreshCards(latestOf(touched));
}

async function setDependencies(ctx: HandlerContext, number: number, wanted: number[]): Promise<TaskView> {
  const { tasks } = ctx.services;
  let task = await tasks.get(ctx.action.guildId, number);
  const current = new Set(task.dependencies.map((ref) => ref.number));
  for (const on of wanted) if (!current.has(on)) task = await tasks.addDependency(ctx.action, number, on);
  for (const on of current)
    if (!wanted.includes(on)) task = await tasks.removeDependency(ctx.action, number, on);
  return task;
}

const optionName = (key: string) => (key === "parentNumber" ? "parent" : key);

/** One view per task: the newest version of each. */
function latestOf(views: TaskView[]): TaskView[] {
  const byId = new Map<number, TaskView>();
  for (const view of views) {
    const seen = byId.get(view.id);
    if (!seen || seen.version < view.version) byId.set(view.id, view);
  }
  return [...byId.values()];
}
