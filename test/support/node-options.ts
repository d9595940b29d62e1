import { readFileSync } from "node:fs";

/**
 * The V8 flags the services run with (`NODE_OPTIONS`), from package.json's config.nodeOptions, the
 * one definition the npm scripts use and the Dockerfile repeats: tests and the bench start the
 * compiled services with them, as production does.
 */
export const SERVICE_NODE_OPTIONS: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    config: { nodeOptions: string };
  }
).config.nodeOptions;
