import { autoRetry } from "@grammyjs/auto-retry";
import { loadConfigOrExit, secretsOf } from "@notesbot/shared/config";
import { createConversationStore } from "@notesbot/shared/conversations";
import { createPool } from "@notesbot/shared/db";
import { onShutdownSignal } from "@notesbot/shared/lifecycle";
import { createLogger } from "@notesbot/shared/logging";
import { countTelegramErrors, createWorkerMetrics, startMetricsServer } from "@notesbot/shared/metrics";
import { createOpenRouterClient } from "@notesbot/shared/openrouter";
import { createWorkerConnection, userAsks } from "@notesbot/shared/queue";
import { createLocalizer } from "@notesbot/shared/texts";
import { Api } from "grammy";
import { createCancellations } from "./ask/cancellations.js";
import { BREAKER_STATE_VALUE, instrument } from "./ask/instrument.js";
import { createModelBreakers } from "./ask/model-breakers.js";
import { createAskProcessor } from "./ask/processor.js";
import { createAskWorker } from "./ask/worker.js";

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, service: "worker", secrets: secretsOf(config) });

const metrics = createWorkerMetrics();

const api = new Api(config.telegram.token, { apiRoot: config.telegram.apiRoot });
// Telegram's 429 (retry_after) and 5xx are waited out, so an answer is never lost to them.
// Installed first, so it runs inside auto-retry and counts every error answer, retried or not.
api.config.use(countTelegramErrors(metrics.telegramErrors));
api.config.use(autoRetry({ maxRetryAttempts: 5 }));

const openrouter = createOpenRouterClient({
  apiKey: config.openrouter.apiKey,
  baseUrl: config.openrouter.baseUrl,
  timeoutMs: config.ask.timeoutMs,
  streamIdleTimeoutMs: config.ask.timeoutMs,
  streamTimeoutMs: config.streaming.timeoutMs,
  referer: "https://github.com/notesbot/notesbot",
  title: "notesbot",
});
const llm = createModelBreakers(instrument(openrouter, metrics), config.breaker, (model, state) => {
  metrics.breakerState.set({ model }, BREAKER_STATE_VALUE[state]);
  logger.info({ model, state }, "breaker state changed");
});

const connection = createWorkerConnection(config.redis.url);
connection.on("error", (error) => logger.warn({ err: error }, "redis connection error"));
const subscriber = connection.duplicate();
subscriber.on("error", (error) => logger.warn({ err: error }, "redis subscriber error"));
const db = createPool(config.databaseUrl, { max: 5 });
db.on("error", (error) => logger.warn({ err: error }, "idle database connection lost"));
const asks = userAsks(connection, config.redis.queuePrefix);
const cancellations = createCancellations();
await cancellations.listen(subscriber, asks.cancelChannel);

const worker = createAskWorker(
  createAskProcessor({
    api,
    llm,
    conversations: createConversationStore(db, config.memory),
    userAsks: asks,
    cancellations,
    perUserInFlight: config.ask.perUserInFlight,
    streaming: { enabled: config.streaming.enabled, intervalMs: config.streaming.intervalMs },
    drafts: { available: undefined },
    texts: createLocalizer().of("ru"),
    logger,
    retry: {
      maxAttempts: config.ask.maxAttempts,
      baseMs: config.ask.retryBaseMs,
      deadlineMs: config.ask.deadlineMs,
    },
    timeoutMs: config.ask.timeoutMs,
    hasApiKey: config.openrouter.apiKey !== undefined,
    onFinished: ({ outcome, modelKey, durationMs }) =>
      metrics.askDuration.observe({ model: modelKey, outcome }, durationMs / 1000),
    onBreakerOpen: (modelKey) => metrics.openrouterRequests.inc({ model: modelKey, status: "breaker_open" }),
    onFallback: (modelKey) => metrics.fallbacks.inc({ model: modelKey }),
  }),
  {
    connection,
    prefix: config.redis.queuePrefix,
    concurrency: config.worker.concurrency,
    requestsPerMinute: config.openrouter.requestsPerMinute,
    lockMs: config.worker.lockMs,
  },
);
worker.on("error", (error) => logger.warn({ err: error }, "worker error"));
worker.on("failed", (job, error) => {
  if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
    logger.info({ jobId: job.id, err: error }, "ask job failed");
});
const metricsServer = await startMetricsServer({
  port: config.metricsPort.worker,
  registry: metrics.registry,
  readiness: { redis: () => connection.ping(), postgres: () => db.query("SELECT 1") },
  logger,
});
await worker.waitUntilReady();
logger.info({ concurrency: config.worker.concurrency }, "worker started");

onShutdownSignal(
  logger,
  async () => {
    // In-flight jobs get a bounded grace period; past it they are released and another worker takes them.
    const graceful = worker.close();
    const timer = setTimeout(() => void worker.close(true), config.worker.shutdownGraceMs);
    await graceful;
    clearTimeout(timer);
    llm.shutdown();
    await metricsServer.close();
    subscriber.disconnect();
    await connection.quit();
    await db.end();
  },
  config.worker.shutdownGraceMs + 10_000,
);
