import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // End-to-end tests start real processes and wait for real Telegram round trips.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["verbose"],
    projects: [
      // `npm test`: unit and end-to-end tests; two files at a time keeps a 2-core machine responsive.
      {
        extends: true,
        test: {
          name: "main",
          // Per project, so a run of one project migrates and drops only its own template database.
          globalSetup: ["test/support/global-setup.ts"],
          include: ["test/unit/**/*.test.ts", "test/infra/**/*.test.ts", "test/e2e/**/*.test.ts"],
          maxWorkers: 2,
          // Files share a worker's module cache (nothing in src/ keeps state at module level; every test
          // builds what it uses): grammY, BullMQ and pg are imported once per worker, not once per file.
          isolate: false,
        },
      },
      // `npm run test:faults`: restarts, outages and load; one file at a time, each bounded in time.
      {
        extends: true,
        test: {
          name: "faults",
          globalSetup: ["test/support/global-setup.ts"],
          include: ["test/faults/**/*.test.ts"],
          maxWorkers: 1,
          testTimeout: 180_000,
        },
      },
    ],
  },
});
