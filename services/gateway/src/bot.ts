import { autoRetry } from "@grammyjs/auto-retry";
import { sequentialize } from "@grammyjs/runner";
import type { Config } from "@notesbot/shared/config";
import { createConversationStore } from "@notesbot/shared/conversations";
import type { Db } from "@notesbot/shared/db";
import { COMMANDS } from "@notesbot/shared/domain";
import type { Logger } from "@notesbot/shared/logging";
import { countFloodGiveUps, countTelegramErrors, type GatewayMetrics } from "@notesbot/shared/metrics";
import type { AskProducer, ReminderScheduler } from "@notesbot/shared/queue";
import { createFileDownload } from "@notesbot/shared/telegram";
import type { TelegramBudget } from "@notesbot/shared/telegram-budget";
import type { Localizer } from "@notesbot/shared/texts";
import { createUsageStore, fetchKeyState } from "@notesbot/shared/usage";
import { Bot } from "grammy";
import type { BotContext } from "./context.js";
import { createErrorHandler } from "./errors.js";
import { createAskComposer } from "./features/ask/composer.js";
import { createSubmitReads } from "./features/ask/submit-reads.js";
import { createCaptureComposer } from "./features/capture/composer.js";
import { createFallbackComposer, createGeneralComposer } from "./features/general.js";
import { createMigrationComposer } from "./features/groups/migration.js";
import { createInlineComposer } from "./features/inline/composer.js";
import { createMediaRoute } from "./features/media/route.js";
import { createModelsComposer } from "./features/models/composer.js";
import { createModelsRepository } from "./features/models/repository.js";
import { createNotesComposer } from "./features/notes/composer.js";
import { createNotesRepository } from "./features/notes/repository.js";
import { createNotesRetrieval } from "./features/notes/retrieval.js";
import { createOwnModelComposer } from "./features/own-model/composer.js";
import { createOwnModelRepository } from "./features/own-model/repository.js";
import { createPersonaComposer } from "./features/persona/composer.js";
import { createPersonaRepository } from "./features/persona/repository.js";
import { createRemindersComposer } from "./features/reminders/composer.js";
import { createRemindersRepository } from "./features/reminders/repository.js";
import { createSaveComposer } from "./features/save/composer.js";
import { createSettingsComposer } from "./features/settings/composer.js";
import type { SettingsRepository } from "./features/settings/repository.js";
import { createUsageComposer } from "./features/usage/composer.js";
import type { Effects } from "./intake/effects.js";
import { INTAKE } from "./intake/limits.js";
import { restrictTo } from "./middleware/access.js";
import { useSendersLocale } from "./middleware/locale.js";
import { measureUpdates } from "./middleware/metrics.js";
import { onlyPeople } from "./middleware/person.js";

export interface BotDeps {
  config: Config;
  db: Db;
  logger: Logger;
  localizer: Localizer;
  askQueue: AskProducer;
  /** Adds and removes reminders' delayed jobs (the worker fires them). */
  reminderScheduler: ReminderScheduler;
  metrics: GatewayMetrics;
  effects: Effects;
  /** Per-user settings (the sender's language), shared with the inbox, whose record reads it first. */
  settings: SettingsRepository;
  /** Telegram's limits, shared with the workers: every reply takes its turn in it (none: TELEGRAM_BUDGET off). */
  budget: TelegramBudget | undefined;
}

export function createBot({
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
}: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(config.telegram.token, { client: { apiRoot: config.telegram.apiRoot } });
  // Installed first, so it runs inside auto-retry and counts every error answer, retried or not.
  bot.api.config.use(countTelegramErrors(metrics.telegramErrors));
  // Every attempt (auto-retry's too) waits for its turn in the shared budget, which learns from each 429.
  if (budget) bot.api.config.use(budget.transformer("first"));
  // A Telegram 429 (retry_after) or 5xx is waited out and retried instead of losing the reply, but a
  // flood wait longer than INTAKE.maxFloodWaitSeconds gives the reply up: it would hold its chat's lane.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: INTAKE.maxFloodWaitSeconds }));
  bot.api.config.use(
    countFloodGiveUps(metrics.floodGivenUp, (method, retryAfter) =>
      logger.warn({ method, retryAfter }, "reply given up: Telegram's flood wait is longer than the cap"),
    ),
  );

  // ctx.once / ctx.remembered: effects done once per update, however often it is handled.
  bot.use(effects.middleware);
  bot.use(measureUpdates(metrics, new Set(COMMANDS)));
  // Updates of one chat run in order; different chats run concurrently.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  // Updates sent on behalf of a chat or by Telegram's service accounts stop here: data belongs to people.
  bot.use(onlyPeople(localizer));
  const conversations = createConversationStore(db, config.memory);
  const personas = createPersonaRepository(db);
  bot.use(createMigrationComposer(conversations, personas));
  // ctx.texts: the sender's language (their /lang, else Telegram's language_code).
  bot.use(useSendersLocale(settings, localizer));
  bot.use(restrictTo(config.access.allowedUserIds));

  // Before the sender's language is known, failures are told in Russian, the bot's first language.
  const fallbackTexts = localizer.of("ru");
  const features = bot.errorBoundary(createErrorHandler(logger, fallbackTexts));
  const notes = createNotesRepository(db);
  // First: a forward is a note, even one that reads like a command or a question.
  features.use(createCaptureComposer({ notes }));
  features.use(createInlineComposer({ notes }));
  features.use(createGeneralComposer());
  features.use(createSettingsComposer({ settings, localizer }));
  const models = createModelsRepository(db, config.ask.fallbackModels);
  const ownModels = createOwnModelRepository(db);
  const download = createFileDownload({ api: bot.api, ...config.telegram });
  features.use(createNotesComposer({ notes, download, logger }));
  const openrouter = { baseUrl: config.openrouter.baseUrl, timeoutMs: config.ask.timeoutMs };
  const apiKey = config.openrouter.apiKey;
  features.use(
    createModelsComposer({
      db,
      models,
      ownModels,
      adminUserIds: config.access.adminUserIds,
      catalog: { ...openrouter, apiKey },
      syncs: metrics.registrySync,
      skippedEntries: metrics.registryEntriesSkipped,
      logger,
    }),
  );
  features.use(createOwnModelComposer({ models, ownModels }));
  features.use(createPersonaComposer({ personas, localizer }));
  features.use(
    createUsageComposer({
      usage: createUsageStore(db),
      adminUserIds: config.access.adminUserIds,
      keyState: () =>
        apiKey === undefined
          ? Promise.resolve({ ok: false, reason: "OPENROUTER_API_KEY" })
          : fetchKeyState({ ...openrouter, apiKey }),
      logger,
    }),
  );
  features.use(
    createAskComposer({
      queue: askQueue,
      models,
      ownModels,
      reads: createSubmitReads(db),
      notes,
      retrieval: createNotesRetrieval(db),
      settings,
      notesMetrics: metrics.notes,
      conversations,
      enqueued: metrics.askEnqueued,
      perUserPerMinute: config.ask.perUserPerMinute,
      mediaRoute: createMediaRoute(db, config.media),
    }),
  );
  features.use(createSaveComposer({ queue: askQueue, notes }));
  features.use(
    createRemindersComposer({
      reminders: createRemindersRepository(db),
      settings,
      scheduler: reminderScheduler,
      logger,
    }),
  );
  features.use(createFallbackComposer());

  bot.catch(createErrorHandler(logger, fallbackTexts));
  return bot;
}
