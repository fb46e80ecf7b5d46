import type { Database } from "../store/database.ts";

/** Throwaway: proves the layer rule fails lint (reverted by the next commit). */
export type LayerRuleProbe = Database;
