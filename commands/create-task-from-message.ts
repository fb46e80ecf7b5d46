import { ApplicationCommandType, type RESTPostAPIContextMenuApplicationCommandsJSONBody } from "discord.js";
import type { ComponentRoutes, MessageCommandModule } from "../src/discord/handler-types.ts";
import * as contextMenu from "./create-task-from-message/context-menu.ts";
import * as createModal from "./create-task-from-message/create-modal.ts";
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
  run: contextMenu.run,
} as const satisfies MessageCommandModule;

export const createTaskFromMessageComponents = {
  create_modal: { write: true, run: createModal.run },
} as const satisfies Partial<ComponentRoutes>;
