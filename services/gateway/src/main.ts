import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { loadConfigOrExit, secretsOf } from "@notesbot/shared/config";
import { createPool } from "@notesbot/shared/db";
import { onShutdownSignal } from "@notesbot/shared/lifecycle";
import { createLogger } from "@notesbot/shared/logging";
import { createGatewayMetrics, startMetricsServer } from "@notesbot/shared/metrics";
import {
  askKeys,
  createAskProducer,
  createProducerConnection,
  createReminderScheduler,
} from "@notesbot/shared/queue";
import { createTelegramBudget } from "@notesbot/shared/telegram-budget";
import { createLocalizer } from "@notesbot/shared/texts";
import { createBot } from "./bot.js";
import { registerCommandMenus } from "./commands.js";
import { createAlbumFlusher } from "./features/capture/albums.js";
import { createNotesRepository } from "./features/notes/repository.js";
import { createSettingsRepository } from "./features/settings/repository.js";
import { createDispatcher } from "./intake/dispatcher.js";
import { createEffects } from "./intake/effects.js";
import { createInbox } from "./intake/inbox.js";
import { createLanes } from "./intake/lanes.js";
import { INTAKE } from "./intake/limits.js";
import { startPolling } from "./intake/polling.js";
import { createRefusalNotice } from "./intake/refusals.js";
import { createSweeper } from "./intake/sweeper.js";
import { startWebhookServer } from "./intake/webhook.js";

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, service: "gateway", secrets: secretsOf(config) });
const db = createPool(config.databaseUrl, { timeoutMs: config.databaseTimeoutMs });
// The inbox's marks (handled, leases, a placeholder's id): their commits need not wait for the disk.
const bookkeeping = createPool(config.databaseUrl, {
  timeoutMs: config.databaseTimeoutMs,
  max: 5,
  asyncCommit: true,
});
// An idle connection dropped by the server must not crash the process: the pool replaces it.
for (const pool of [db, bookkeeping])
  pool.on("error", (error) => logger.warn({ err: error }, "idle database connection lost"));
// Access is open or admin-less by default: the operator hears it at every start (README, first run).
if (config.access.allowedUserIds.size === 0) {
  logger.warn(
    { variable: "ALLOWED_USER_IDS" },
    "ALLOWED_USER_IDS is empty: the bot is public, anyone who finds it can use it",
  );
}
if (config.access.adminUserIds.size === 0) {
  logger.warn(
    { variable: "ADMIN_USER_IDS" },
    "ADMIN_USER_IDS is empty: nobody is an admin (model switches, /models_sync and /model_add are refused)",
  );
}
const localizer = createLocalizer();
const redis = createProducerConnection(config.redis.url);
// Reconnects go on in the background; while Redis is down /ask says so and notes keep working.
redis.on("error", (error) => logger.warn({ err: error }, "redis connection error"));
const askQueue = createAskProducer({
  connection: redis,
  prefix: config.redis.queuePrefix,
  perUserPerMinute: config.ask.perUserPerMinute,
});
const reminderScheduler = createReminderScheduler({ connection: redis, prefix: config.redis.queuePrefix });
const settings = createSettingsRepository(db);
const inbox = createInbox(db, bookkeeping, {
  owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  ...INTAKE,
  senderLocale: settings.prime,
});
const metrics = createGatewayMetrics(
  () => askQueue.counts(),
  () => inbox.oldestUnhandledSeconds(),
);
const effects = createEffects(inbox, logger);
const keys = askKeys(config.redis.queuePrefix);
const budget = config.telegram.budget
  ? createTelegramBudget({
      redis,
      keys: { all: keys.telegramBudget, chat: keys.telegramBudgetChat },
      metrics: metrics.telegramBudget,
      logger,
    })
  : undefined;
const bot = createBot({
  config,
  db,
  logger,
  localizer,
  askQueue,
  reminderScheduler,
  metrics,
  effects,
  settings,
  budget,
});
const dispatcher = createDispatcher({
  bot,
  inbox,
  effects,
  metrics,
  logger,
  lanes: createLanes({ maxWaiting: INTAKE.maxWaitingPerChat, maxRunning: INTAKE.maxHandling }),
  onRefused: createRefusalNotice(bot.api, localizer, logger, INTAKE.maxWaitingPerChat),
  orderAcrossGateways: config.webhook !== undefined,
});
// Forwarded albums gathered in PostgreSQL become notes here, in every gateway (albums.ts).
const albums = createAlbumFlusher({ db, notes: createNotesRepository(db), api: bot.api, localizer, logger });
const sweeper = createSweeper({ inbox, dispatcher, metrics, logger, intervalMs: INTAKE.sweepIntervalMs });
const metricsServer = await startMetricsServer({
  port: config.metricsPort.gateway,
  registry: metrics.registry,
  readiness: { postgres: () => db.query("SELECT 1"), redis: () => redis.ping() },
  logger,
});

await bot.init();
await registerCommandMenus(bot.api, localizer);

const intake = { bot, inbox, dispatcher, metrics, logger, allowedUpdates: INTAKE.allowedUpdates };
let stopIntake: () => Promise<void>;
if (config.webhook) {
  // Other gateways may share the webhook behind a balancer: their updates are left to their leases.
  await sweeper.start({ takeOverLive: false });
  const server = await startWebhookServer({ ...intake, webhook: config.webhook });
  stopIntake = server.close;
} else {
  await bot.api.deleteWebhook();
  // Only one gateway can poll: what the inbox holds unhandled was left by a previous one.
  await sweeper.start({ takeOverLive: true });
  stopIntake = startPolling(intake).stop;
}
albums.start();
logger.info(
  { username: bot.botInfo.username, mode: config.webhook ? "webhook" : "polling" },
  "gateway started",
);

onShutdownSignal(
  logger,
  async () => {
    await stopIntake();
    await sweeper.stop();
    await albums.stop();
    await dispatcher.idle();
    await metricsServer.close();
    await askQueue.close();
    await reminderScheduler.close();
    redis.disconnect();
    await Promise.all([db.end(), bookkeeping.end()]);
  },
  config.shutdownGraceMs,
);
