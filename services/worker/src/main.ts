import { autoRetry } from "@grammyjs/auto-retry";
import { loadConfigOrExit, secretsOf } from "@notesbot/shared/config";
import { createConversationStore } from "@notesbot/shared/conversations";
import { createPool } from "@notesbot/shared/db";
import { onShutdownSignal } from "@notesbot/shared/lifecycle";
import { createLogger } from "@notesbot/shared/logging";
import { countTelegramErrors, createWorkerMetrics, startMetricsServer } from "@notesbot/shared/metrics";
import { addNoteOnce } from "@notesbot/shared/notes";
import { askKeys, createProducerConnection, createWorkerConnection, userAsks } from "@notesbot/shared/queue";
import { countUnavailableModels } from "@notesbot/shared/registry";
import { createFileDownload } from "@notesbot/shared/telegram";
import { createTelegramBudget } from "@notesbot/shared/telegram-budget";
import { createLocalizer } from "@notesbot/shared/texts";
import { createUsageStore } from "@notesbot/shared/usage";
import { Api } from "grammy";
import { createAdmission } from "./ask/admission.js";
import { createAnswerStage } from "./ask/answer.js";
import { chatMessagesOf, createDelivery } from "./ask/delivery.js";
import { BREAKER_STATE_VALUE, instrument } from "./ask/instrument.js";
import { createMediaStage } from "./ask/media.js";
import { createModelBreakers } from "./ask/model-breakers.js";
import { createOutcomeReporter } from "./ask/outcome.js";
import { createAskProcessor } from "./ask/processor.js";
import { createRequestLimit } from "./ask/request-limit.js";
import { createUsageRecorder } from "./ask/usage.js";
import { createAskWorker } from "./ask/worker.js";
import { type ChatMoves, telegramErrorFields } from "./chat-messages.js";
import { createAdminNotice } from "./maintenance/admins.js";
import { createModelGoneHandler } from "./maintenance/model-gone.js";
import { createRegistrySync } from "./maintenance/registry-sync.js";
import { startMaintenance } from "./maintenance/worker.js";
import { createOpenRouterClient } from "./openrouter/index.js";
import { createReminderFiring } from "./reminders/fire.js";
import { createReminderSweep } from "./reminders/sweep.js";
import { createReminderWorker } from "./reminders/worker.js";

/**
 * Reminders fired at once per worker: each holds one of the pool's connections while it sends, so
 * asks keep the rest.
 */
const REMINDER_CONCURRENCY = 2;

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, service: "worker", secrets: secretsOf(config) });
// Every locale's texts, loaded once; each job is answered in its asker's (`locale` on the job).
const localizer = createLocalizer();

const db = createPool(config.databaseUrl, { timeoutMs: config.databaseTimeoutMs, max: 5 });
db.on("error", (error) => logger.warn({ err: error }, "idle database connection lost"));
const metrics = createWorkerMetrics(() => countUnavailableModels(db));

// The Telegram budget shared with the gateway and the other workers; its own connection fails at once
// while Redis is down (the call then goes without it), where the worker's would wait for Redis.
// (TELEGRAM_BUDGET=false: none, every call goes at once.)
const budgetConnection = config.telegram.budget ? createProducerConnection(config.redis.url) : undefined;
budgetConnection?.on("error", (error) => logger.warn({ err: error }, "redis connection error (budget)"));
const keys = askKeys(config.redis.queuePrefix);
const budget =
  budgetConnection &&
  createTelegramBudget({
    redis: budgetConnection,
    keys: { all: keys.telegramBudget, chat: keys.telegramBudgetChat },
    metrics: metrics.telegramBudget,
    logger,
  });

const api = new Api(config.telegram.token, { apiRoot: config.telegram.apiRoot });
// Telegram's 429 (retry_after up to 10 s) and 5xx (three tries, 3 + 6 + 12 s apart) are waited out
// here; longer waits and network errors go back to the processor, which runs the job again later
// within the ask's bound. Installed first, so it runs inside auto-retry and counts every error answer;
// then every attempt waits for its turn in the budget (placeholders' edits and answers come first).
api.config.use(countTelegramErrors(metrics.telegramErrors));
if (budget) api.config.use(budget.transformer("first"));
api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 10, rethrowHttpErrors: true }));
// Streamed previews: what the budget has left, or skipped (a frame lost, the next shows all); never retried.
const previewApi = new Api(config.telegram.token, { apiRoot: config.telegram.apiRoot });
previewApi.config.use(countTelegramErrors(metrics.telegramErrors));
if (budget) previewApi.config.use(budget.transformer("spare"));

const openrouter = createOpenRouterClient({
  apiKey: config.openrouter.apiKey,
  baseUrl: config.openrouter.baseUrl,
  timeoutMs: config.ask.timeoutMs,
  streamIdleTimeoutMs: config.ask.timeoutMs,
  streamTimeoutMs: config.streaming.timeoutMs,
  maxTokens: config.ask.maxTokens,
  maxAnswerChars: config.ask.maxAnswerChars,
  referer: "https://github.com/notesbot/notesbot",
  title: "notesbot",
});
const llm = createModelBreakers(instrument(openrouter, metrics), config.breaker, (model, state) => {
  metrics.breakerState.set({ model }, BREAKER_STATE_VALUE[state]);
  logger.info({ model, state }, "breaker state changed");
});

const tellAdmins = createAdminNotice({
  db,
  api,
  adminUserIds: config.access.adminUserIds,
  localizer,
  logger,
});

const connection = createWorkerConnection(config.redis.url);
connection.on("error", (error) => logger.warn({ err: error }, "redis connection error"));
const subscriber = connection.duplicate();
subscriber.on("error", (error) => logger.warn({ err: error }, "redis subscriber error"));
const asks = userAsks(connection, config.redis.queuePrefix);
const conversations = createConversationStore(db, config.memory);
// A group upgraded to a supergroup while its answer was on the way: the answer goes on there, its memory follows.
const moves: ChatMoves = new Map();
const onMoved = (fromChatId: number, toChatId: number) => {
  logger.info({ fromChatId, toChatId }, "group upgraded to a supergroup; its answers go to the new chat");
  conversations.moveChat(fromChatId, toChatId).catch((error: unknown) => {
    logger.warn({ fromChatId, toChatId, code: (error as { code?: string }).code }, "chat memory not moved");
  });
};
const messages = chatMessagesOf(api, moves, onMoved);
const previewMessages = chatMessagesOf(previewApi, moves, onMoved);
// OPENROUTER_RPM: one set of request slots for the whole worker (first requests and fallbacks).
const requests = createRequestLimit(connection, keys.requests, config.openrouter.requestsPerMinute);
const retry = {
  maxAttempts: config.ask.maxAttempts,
  baseMs: config.ask.retryBaseMs,
  deadlineMs: config.ask.deadlineMs,
};

const processor = createAskProcessor({
  admit: createAdmission({
    userAsks: asks,
    localizer,
    retry,
    hasApiKey: config.openrouter.apiKey !== undefined,
    perUserInFlight: config.ask.perUserInFlight,
  }),
  answer: createAnswerStage({
    llm,
    requests,
    retry,
    timeoutMs: config.ask.timeoutMs,
    logger,
    onBreakerOpen: (modelKey) => metrics.openrouterRequests.inc({ model: modelKey, status: "breaker_open" }),
    onFallback: (modelKey) => metrics.fallbacks.inc({ model: modelKey }),
    onModelGone: createModelGoneHandler({ db, tellAdmins, logger }),
  }),
  delivery: createDelivery({
    messages,
    conversations,
    userAsks: asks,
    localizer,
    logger,
  }),
  report: createOutcomeReporter({
    logger,
    observeDuration: (labels, seconds) => metrics.askDuration.observe(labels, seconds),
    countDailyCap: () => metrics.dailyCap.inc(),
  }),
  recordUsage: createUsageRecorder(createUsageStore(db), logger),
  messages,
  previewMessages,
  conversations,
  mediaInput: createMediaStage({
    download: createFileDownload({ api, token: config.telegram.token, apiRoot: config.telegram.apiRoot }),
    logger,
    deadlineMs: config.ask.deadlineMs,
  }),
  saveNote: (note) => addNoteOnce(db, note),
  userAsks: asks,
  requests,
  localizer,
  logger,
  retry,
  maxTokens: config.ask.maxTokens,
  streaming: { enabled: config.streaming.enabled, intervalMs: config.streaming.intervalMs },
  drafts: { available: undefined },
});
const ask = createAskWorker(processor.process, {
  connection,
  prefix: config.redis.queuePrefix,
  concurrency: config.worker.concurrency,
  lockMs: config.worker.lockMs,
});
ask.worker.on("error", (error) => logger.warn({ ...telegramErrorFields(error) }, "worker error"));
ask.worker.on("failed", processor.failed);
// The gateway publishes the id of every ask the user cancels; the worker running it aborts it.
subscriber.on("message", (_channel: string, jobId: string) => ask.cancel(jobId));
await subscriber.subscribe(keys.cancelChannel);

const metricsServer = await startMetricsServer({
  port: config.metricsPort.worker,
  registry: metrics.registry,
  readiness: { redis: () => connection.ping(), postgres: () => db.query("SELECT 1") },
  logger,
});
// Reminders go out through the same Bot API client as answers: the shared budget, 429s waited out.
const fireReminder = createReminderFiring({
  db,
  api,
  localizer,
  logger,
  count: (outcome) => metrics.remindersFired.inc({ outcome }),
});
const reminders = createReminderWorker(fireReminder, {
  connection,
  prefix: config.redis.queuePrefix,
  concurrency: REMINDER_CONCURRENCY,
});
reminders.worker.on("error", (error) => logger.warn({ err: error }, "reminders worker error"));
reminders.worker.on("failed", (job, error) =>
  logger.warn(
    { jobId: job?.id, attempts: job?.attemptsMade, ...telegramErrorFields(error) },
    "reminder job failed",
  ),
);
const reminderSweep = createReminderSweep({
  db,
  connection,
  prefix: config.redis.queuePrefix,
  fire: fireReminder,
  logger,
});
const maintenance = await startMaintenance({
  connection,
  prefix: config.redis.queuePrefix,
  syncRegistry: createRegistrySync({
    db,
    source: {
      baseUrl: config.openrouter.baseUrl,
      apiKey: config.openrouter.apiKey,
      timeoutMs: config.ask.timeoutMs,
    },
    tellAdmins,
    logger,
    count: (result) => metrics.registrySync.inc({ result }),
    countSkipped: (entries) => metrics.registryEntriesSkipped.inc(entries),
  }),
  sweepReminders: reminderSweep.sweep,
});
maintenance.worker.on("error", (error) => logger.warn({ err: error }, "maintenance worker error"));
await ask.worker.waitUntilReady();
logger.info({ concurrency: config.worker.concurrency }, "worker started");

onShutdownSignal(
  logger,
  async () => {
    await Promise.all([ask.stop(config.shutdownGraceMs), maintenance.stop(), reminders.stop()]);
    await reminderSweep.close();
    llm.shutdown();
    await metricsServer.close();
    subscriber.disconnect();
    await connection.quit();
    budgetConnection?.disconnect();
    await db.end();
  },
  config.shutdownGraceMs + 10_000,
);
