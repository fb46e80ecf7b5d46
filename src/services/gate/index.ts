import type { LimitGate } from "../../cache/types.ts";
import type { Database } from "../../store/database.ts";
import type { GateService } from "../contracts.ts";
import { checkGateDrift, rebuildGateCounter } from "./gate-drift.ts";

export function createGateService(deps: { database: Database; cache: { gate: LimitGate } }): GateService {
  return {
    checkDrift: (options) => checkGateDrift(deps.database, deps.cache.gate, options),
    rebuild: (channelId) => rebuildGateCounter(deps.database, deps.cache.gate, channelId),
  };
}
