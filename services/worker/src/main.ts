import { loadConfigOrExit, secretsOf } from "@notesbot/shared/config";
import { onShutdownSignal } from "@notesbot/shared/lifecycle";
import { createLogger } from "@notesbot/shared/logging";

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, service: "worker", secrets: secretsOf(config) });

// The ask queue is not wired yet: the worker starts, waits, and stops cleanly on a signal.
const idle = setInterval(() => {}, 1 << 30);
logger.info("worker started");
onShutdownSignal(logger, async () => clearInterval(idle));
