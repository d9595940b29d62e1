import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // End-to-end tests start real processes and wait for real Telegram round trips.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file runs its own services; two at a time keeps a 2-core machine responsive.
    maxWorkers: 2,
    reporters: ["verbose"],
  },
});
