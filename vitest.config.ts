import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // starts one real Postgres and one real Redis for the run (see test/support/servers.ts)
    globalSetup: ["test/setup/global-setup.ts"],
    pool: "forks",
    fileParallelism: true,
    // files mostly wait on servers, so at least two run at once even on a small machine
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 30_000,
  },
});
