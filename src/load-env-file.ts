import { existsSync } from "node:fs";

/** Reads ./.env when present (Node's own parser); variables already set in the environment win. */
export function loadEnvFile(path = ".env"): void {
  if (existsSync(path) && typeof process.loadEnvFile === "function") process.loadEnvFile(path);
}
