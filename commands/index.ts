import type { CommandModule, ComponentRoutes, MentionVerbs } from "../src/discord/handler-types.ts";
import { createTaskFromMessageCommand, createTaskFromMessageComponents } from "./create-task-from-message.ts";
import { isWrite, run as runMention } from "./mentions.ts";
import { taskCommand, taskComponents } from "./task.ts";
import { tasklaneCommand } from "./tasklane.ts";
import { tasksCommand, tasksComponents } from "./tasks.ts";

/** THE list: `npm run commands:deploy` registers exactly these, and the router dispatches to exactly these. */
export const commands: readonly CommandModule[] = [
  taskCommand,
  tasksCommand,
  tasklaneCommand,
  createTaskFromMessageCommand,
];

export const commandDefinitions = commands.map((command) => command.definition);

/** Every custom_id kind, with the command module that owns it. */
export const componentRoutes: ComponentRoutes = {
  ...taskComponents,
  ...tasksComponents,
  ...createTaskFromMessageComponents,
};

/** What an agent (or a person) may say to `@Tasklane`: the mention handler runs exactly these. */
export const mentionVerbs: MentionVerbs = { isWrite, run: runMention };
