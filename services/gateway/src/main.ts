import { run } from "@grammyjs/runner";
import { loadConfigOrExit, secretsOf } from "@notesbot/shared/config";
import { createPool } from "@notesbot/shared/db";
import { onShutdownSignal } from "@notesbot/shared/lifecycle";
import { createLogger } from "@notesbot/shared/logging";
import { createGatewayMetrics, startMetricsServer } from "@notesbot/shared/metrics";
import { createAskProducer, createProducerConnection } from "@notesbot/shared/queue";
import { createLocalizer } from "@notesbot/shared/texts";
import { createBot } from "./bot.js";
import { botCommands } from "./commands.js";
import { createInFlightTracker } from "./middleware/in-flight.js";
import { startWebhookServer } from "./webhook.js";

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, service: "gateway", secrets: secretsOf(config) });
const db = createPool(config.databaseUrl);
// An idle connection dropped by the server must not crash the process: the pool replaces it.
db.on("error", (error) => logger.warn({ err: error }, "idle database connection lost"));
const texts = createLocalizer().of("ru");
const redis = createProducerConnection(config.redis.url);
// Reconnects go on in the background; while Redis is down /ask says so and notes keep working.
redis.on("error", (error) => logger.warn({ err: error }, "redis connection error"));
const askQueue = createAskProducer({
  connection: redis,
  prefix: config.redis.queuePrefix,
  perUserPerMinute: config.ask.perUserPerMinute,
});
const metrics = createGatewayMetrics(() => askQueue.counts());
const inFlight = createInFlightTracker();
const bot = createBot({ config, db, logger, texts, askQueue, metrics, inFlight });
const metricsServer = await startMetricsServer({
  port: config.metricsPort.gateway,
  registry: metrics.registry,
  readiness: { postgres: () => db.query("SELECT 1"), redis: () => redis.ping() },
  logger,
});

await bot.init();
await bot.api.setMyCommands(botCommands(texts));

let stopIntake: () => Promise<void>;
if (config.webhook) {
  const server = await startWebhookServer(bot, config.webhook, logger);
  stopIntake = server.close;
} else {
  await bot.api.deleteWebhook();
  const runner = run(bot, { runner: { fetch: { allowed_updates: ["message"] } } });
  stopIntake = async () => {
    await runner.stop();
    await inFlight.idle();
    // Confirm what was handled, so a restart does not get (and handle) those updates again.
    const last = inFlight.lastUpdateId;
    if (last !== undefined) await bot.api.getUpdates({ offset: last + 1, limit: 1, timeout: 0 });
  };
}
logger.info(
  { username: bot.botInfo.username, mode: config.webhook ? "webhook" : "polling" },
  "gateway started",
);

onShutdownSignal(
  logger,
  async () => {
    await stopIntake();
    await metricsServer.close();
    await askQueue.close();
    redis.disconnect();
    await db.end();
  },
  config.worker.shutdownGraceMs,
);
