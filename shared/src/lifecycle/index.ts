import type { Logger } from "../logging/index.js";

/**
 * Runs `shutdown` once on the first SIGINT or SIGTERM, then exits 0; a failure during shutdown exits 1.
 * A second signal while shutting down is ignored: the ordered shutdown is already under way.
 */
export function onShutdownSignal(logger: Logger, shutdown: () => Promise<void>): void {
  let started = false;
  const handle = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    logger.info({ signal }, "shutting down");
    shutdown().then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", handle);
  process.on("SIGTERM", handle);
}
