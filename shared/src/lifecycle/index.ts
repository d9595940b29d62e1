import type { Logger } from "../logging/index.js";

/**
 * Runs `shutdown` once on the first SIGINT or SIGTERM, then exits 0; a failure during shutdown exits 1,
 * and so does a shutdown still under way after `timeoutMs` (a dependency that never answers must not
 * keep the process alive). A second signal while shutting down is ignored.
 */
export function onShutdownSignal(logger: Logger, shutdown: () => Promise<void>, timeoutMs: number): void {
  let started = false;
  const handle = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    logger.info({ signal }, "shutting down");
    setTimeout(() => {
      logger.error({ timeoutMs }, "shutdown did not finish in time");
      process.exit(1);
    }, timeoutMs).unref();
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
