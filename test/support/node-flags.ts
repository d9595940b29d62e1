import { readFileSync } from "node:fs";

/**
 * The V8 flags the services run with, from package.json's config.nodeFlags, the one definition the npm
 * scripts use and the image's entrypoint repeats: tests and the bench start the compiled services with
 * them on the command line, as production does.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    config: { nodeFlags: string };
  }
).config.nodeFlags.split(" ");
