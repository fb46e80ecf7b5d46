import { type Database, pingDatabase } from "../store/database.ts";
import type { HealthService } from "./contracts.ts";

export function createHealthService({ database }: { database: Database }): HealthService {
  return {
    database: async () => ({ ok: await pingDatabase(database), kind: database.kind }),
  };
}
