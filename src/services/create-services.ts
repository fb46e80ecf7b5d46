import { createAgentService } from "./agents/index.ts";
import { createCardService } from "./cards/index.ts";
import type { ServiceDeps, Services } from "./contracts.ts";
import { createDeliveryService } from "./delivery/index.ts";
import { createEventService } from "./events/index.ts";
import { createGateService } from "./gate/index.ts";
import { createHealthService } from "./health.ts";
import { createJobService } from "./jobs/index.ts";
import { createOperationsService } from "./operations/index.ts";
import { createSettingsService } from "./settings/index.ts";
import { createTaskService } from "./tasks/index.ts";
import { createTransferService } from "./transfers/index.ts";

/** The composition root's one call: every service over the same database, cache and clock. */
export function createServices(deps: ServiceDeps): Services {
  const tasks = createTaskService(deps);
  return {
    tasks,
    settings: createSettingsService(deps),
    agents: createAgentService(deps),
    cards: createCardService(deps),
    delivery: createDeliveryService(deps),
    gate: createGateService(deps),
    jobs: createJobService({ ...deps, tasks }),
    health: createHealthService(deps),
    events: createEventService(deps),
    transfers: createTransferService(deps),
    operations: createOperationsService(deps),
  };
}
