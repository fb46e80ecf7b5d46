import type { ServiceDeps, TransferService } from "../contracts.ts";
import { createEngine } from "../engine.ts";
import { exportTasks } from "./export-tasks.ts";
import { importTaskMaster } from "./import-taskmaster.ts";

/** Import (Task Master) and export (CSV, JSON). */
export function createTransferService(deps: ServiceDeps): TransferService {
  const engine = createEngine(deps);
  return {
    importTaskMaster: (ctx, input) => importTaskMaster(engine, ctx, input),
    exportTasks: (ctx, input) => exportTasks(engine, ctx, input),
  };
}
