import type { JobService, ServiceDeps, TaskService } from "../contracts.ts";
import { createEngine } from "../engine.ts";
import { autoAssign } from "./auto-assign.ts";
import { expireLeases } from "./expire-leases.ts";
import { sendReminders } from "./send-reminders.ts";

/** One pass of each background job; src/jobs/start-jobs.ts schedules them. */
export function createJobService(deps: ServiceDeps & { tasks: TaskService }): JobService {
  const engine = createEngine(deps);
  return {
    expireLeases: (options) => expireLeases({ ...deps, ...options }),
    autoAssign: (options) => autoAssign({ ...deps, ...options }),
    sendReminders: (options) => sendReminders(engine, options),
  };
}
