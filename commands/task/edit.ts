import type { ChatInputCommandInteraction } from "discord.js";
import type { HandlerContext } from "../../src/discord/handler-types.ts";
import { answerEphemeral } from "../../src/discord/respond.ts";
import { UserError, ValidationError } from "../../src/domain/errors.ts";
import { readTaskFields } from "../read-task-fields.ts";

/**
 * `/task edit`: the fields, then the assignee, then the dependencies (set to exactly the list given).
 * Each step is its own service call; if a later one is refused, the reply says what was already saved.
 */
export async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const number = interaction.options.getInteger("task", true);
  const { assigneeId, dependsOn, ...patch } = readTaskFields(interaction.options);
  const dependencies = Array.isArray(dependsOn) ? dependsOn : undefined;
  if (Object.keys(patch).length === 0 && !assigneeId && !dependencies) {
    throw new ValidationError("task", "Nothing to change: give at least one field, e.g. title or priority.");
  }
  const { tasks } = ctx.services;
  const changed: string[] = [];
  try {
    if (Object.keys(patch).length > 0) {
      await tasks.edit(ctx.action, number, patch);
      changed.push(...Object.keys(patch).map(optionName));
    }
    if (assigneeId) {
      await tasks.transition(ctx.action, { number, action: "assign", assigneeId });
      changed.push("assignee");
    }
    if (dependencies) {
      await setDependencies(ctx, number, dependencies);
      changed.push("depends-on");
    }
  } catch (error) {
    if (error instanceof UserError && changed.length > 0) {
      throw new UserError(`Saved ${changed.join(", ")} of #${number}, but then: ${error.message}`);
    }
    throw error;
  }
  await answerEphemeral(interaction, `Updated **#${number}**: ${changed.join(", ")}.`);
}

async function setDependencies(ctx: HandlerContext, number: number, wanted: number[]): Promise<void> {
  const { tasks } = ctx.services;
  const current = (await tasks.get(ctx.action, number)).dependencies.map((ref) => ref.number);
  for (const on of wanted) if (!current.includes(on)) await tasks.addDependency(ctx.action, number, on);
  for (const on of current) if (!wanted.includes(on)) await tasks.removeDependency(ctx.action, number, on);
}

const optionName = (key: string) => (key === "parentNumber" ? "parent" : key);
