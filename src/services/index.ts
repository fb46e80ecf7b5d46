export { createAgentService } from "./agents/index.ts";
export { createEventService } from "./events/index.ts";
export { createOperationsService } from "./operations/index.ts";
export type * from "./services.ts";
export { createServices } from "./services.ts";
export { createSettingsService } from "./settings/index.ts";
export { createTaskService } from "./tasks/index.ts";
export { createTransferService } from "./transfers/index.ts";
export type * from "./types.ts";
