/**
 * The gateway built in this process from its own factories, as its main.ts wires them (inbox, effects,
 * bot, dispatcher), against the fake Telegram, the real PostgreSQL and the real Redis: for fast tests
 * of what the intake guarantees, with the log lines it writes kept for reading. No intake runs: a test
 * records and hands in updates itself, as polling or the sweeper would.
 */
import type { Update } from "grammy/types";
import pg from "pg";
import { inject } from "vitest";
import { createBot } from "../../services/gateway/src/bot.js";
import { createAlbumFlusher } from "../../services/gateway/src/features/capture/albums.js";
import { createNotesRepository } from "../../services/gateway/src/features/notes/repository.js";
import { createSettingsRepository } from "../../services/gateway/src/features/settings/repository.js";
import { createDispatcher } from "../../services/gateway/src/intake/dispatcher.js";
import { createEffects } from "../../services/gateway/src/intake/effects.js";
import { isFleeting } from "../../services/gateway/src/intake/fleeting.js";
import { createInbox, type Inbox } from "../../services/gateway/src/intake/inbox.js";
import { createLanes } from "../../services/gateway/src/intake/lanes.js";
import { INTAKE } from "../../services/gateway/src/intake/limits.js";
import { parseConfig } from "../../shared/src/config/index.js";
import { createLogger } from "../../shared/src/logging/index.js";
import { createGatewayMetrics } from "../../shared/src/metrics/index.js";
import {
  createAskProducer,
  createProducerConnection,
  createReminderScheduler,
  type ReminderScheduler,
} from "../../shared/src/queue/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { createQueuePrefix, createTestDatabase } from "./database.js";
import { FakeTelegram } from "./fake-telegram.js";

export interface GatewayOptions {
  /** Wraps the inbox the dispatcher uses (e.g. to look at the moment it marks an update handled). */
  inbox?: (inbox: Inbox) => Inbox;
  /** Wraps the reminders' scheduler (e.g. to refuse jobs as Redis would when it is down). */
  reminderScheduler?: (scheduler: ReminderScheduler) => ReminderScheduler;
  /** ASK_USER_LIMIT_PER_MINUTE (default: no limit). */
  asksPerMinute?: number;
  /** More environment (e.g. VISION_MODEL, TRANSCRIBE_MODEL). */
  env?: Record<string, string>;
}

export async function startGatewayInProcess(options: GatewayOptions = {}) {
  const [telegram, databaseUrl] = await Promise.all([FakeTelegram.start(), createTestDatabase()]);
  const config = parseConfig({
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    DATABASE_URL: databaseUrl,
    REDIS_URL: inject("redisUrl"),
    QUEUE_PREFIX: createQueuePrefix(),
    OPENROUTER_API_KEY: "test-openrouter-key",
    ...(options.asksPerMinute === undefined
      ? {}
      : { ASK_USER_LIMIT_PER_MINUTE: String(options.asksPerMinute) }),
    ...options.env,
  });
  const lines: string[] = [];
  const logger = createLogger(
    { level: "info", service: "gateway", secrets: [] },
    { write: (line: string) => void lines.push(line) },
  );
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const redis = createProducerConnection(config.redis.url);
  const askQueue = createAskProducer({
    connection: redis,
    prefix: config.redis.queuePrefix,
    perUserPerMinute: options.asksPerMinute ?? 0,
  });
  const scheduler = createReminderScheduler({ connection: redis, prefix: config.redis.queuePrefix });
  const reminderScheduler = options.reminderScheduler?.(scheduler) ?? scheduler;
  const settings = createSettingsRepository(db);
  const inbox = createInbox(db, db, {
    owner: "gateway-in-process",
    ...INTAKE,
    senderLocale: settings.prime,
  });
  const metrics = createGatewayMetrics(
    () => askQueue.counts(),
    () => inbox.oldestUnhandledSeconds(),
  );
  const effects = createEffects(inbox, logger);
  const localizer = createLocalizer();
  // No Telegram budget: the in-process gateway talks to the fake alone (the budget has its own tests).
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
    budget: undefined,
  });
  const dispatcher = createDispatcher({
    bot,
    inbox: options.inbox?.(inbox) ?? inbox,
    effects,
    metrics,
    logger,
    lanes: createLanes({ maxWaiting: INTAKE.maxWaitingPerChat, maxRunning: INTAKE.maxHandling }),
    onRefused: () => {},
    orderAcrossGateways: false,
  });
  await bot.init();
  // No timer: a test makes the notes of the albums received so far with `albums.flush()`.
  const notes = createNotesRepository(db);
  const albums = createAlbumFlusher({ db, notes, api: bot.api, localizer, logger, quietMs: 0 });

  return {
    telegram,
    db,
    inbox,
    /** The BullMQ prefix of its ask queue (QUEUE_PREFIX). */
    queuePrefix: config.redis.queuePrefix,
    /** Every line the gateway logged so far (JSON). */
    logs: () => lines.join(""),
    /** The album flusher (albums.ts), with no quiet period. */
    albums,
    /**
     * Records `update` (as polling does) and handles it; resolves once it is marked handled. An inline
     * query is handled without being recorded, as polling does.
     */
    async receive(update: Update): Promise<void> {
      if (isFleeting(update)) {
        await dispatcher.dispatch(update, { again: false, fleeting: true });
        return dispatcher.idle();
      }
      const fresh = await inbox.record([update]);
      if (fresh.has(update.update_id)) await dispatcher.dispatch(update, { results: {}, again: false });
      await dispatcher.idle();
    },
    /** Handles `update` once more, as the sweeper does with a claimed row; resolves once marked handled. */
    async receiveAgain(update: Update): Promise<void> {
      const results = (await inbox.results(update.update_id)) ?? {};
      await dispatcher.dispatch(structuredClone(update), { results, again: true });
      await dispatcher.idle();
    },
    async close(): Promise<void> {
      await dispatcher.idle();
      await askQueue.close();
      await scheduler.close();
      redis.disconnect();
      await Promise.all([db.end(), telegram.close()]);
    },
  };
}

export type GatewayInProcess = Awaited<ReturnType<typeof startGatewayInProcess>>;
