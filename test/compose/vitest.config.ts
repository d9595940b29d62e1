// `npm run test:compose`: the compose stack on real containers (test/compose/stack.test.ts). Not part
// of `npm test`: it needs root, podman, docker-compose and debootstrap, and takes minutes.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "compose",
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/compose/**/*.test.ts"],
    reporters: ["verbose"],
    maxWorkers: 1,
    testTimeout: 600_000,
    hookTimeout: 660_000,
  },
});
