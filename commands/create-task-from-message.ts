import { ApplicationCommandType, type RESTPostAPIContextMenuApplicationCommandsJSONBody } from "discord.js";
import type { ComponentRoutes, MessageCommandModule } from "../src/discord/handler-types.ts";
import { openCreateForm } from "./create-task-from-message/open-create-form.ts";
import { submitCreateForm } from "./create-task-from-message/submit-create-form.ts";
import { GUILD_ONLY } from "./task-options.ts";

export const createTaskFromMessageDefinition = {
  type: ApplicationCommandType.Message,
  name: "Create task from message",
  ...GUILD_ONLY,
} satisfies RESTPostAPIContextMenuApplicationCommandsJSONBody;

export const createTaskFromMessageCommand = {
  kind: "message",
  definition: createTaskFromMessageDefinition,
  // Opening the form changes nothing; submitting it is the write (rate limited there).
  write: false,
  run: openCreateForm,
} as const satisfies MessageCommandModule;

export const createTaskFromMessageComponents = {
  create_modal: { write: true, run: submitCreateForm },
} as const satisfies Partial<ComponentRoutes>;
