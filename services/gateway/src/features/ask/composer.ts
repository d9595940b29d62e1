import type { ConversationStore } from "@notesbot/shared/conversations";
import {
  type ModelView,
  type NoteView,
  QUESTION_MAX_LENGTH,
  STATS_DAYS_DEFAULT,
  STATS_DAYS_MAX,
} from "@notesbot/shared/domain";
import type { GatewayMetrics } from "@notesbot/shared/metrics";
import { type AskProducer, QueueUnavailableError } from "@notesbot/shared/queue";
import { Composer } from "grammy";
import { isBotAnswer, withoutMentionOf } from "../../addressed.js";
import type { BotContext } from "../../context.js";
import { characterCount, parseCount, parseModelId } from "../arguments.js";
import type { ModelsRepository } from "../models/repository.js";
import type { NotesRepository } from "../notes/repository.js";
import type { NotesRetrieval } from "../notes/retrieval.js";
import type { SettingsRepository } from "../settings/repository.js";

/** Characters of notes a digest sends at most (the newest first); the worker may send fewer to fit the model. */
const DIGEST_CHARS = 12_000;

interface Deps {
  queue: AskProducer;
  notes: NotesRepository;
  retrieval: NotesRetrieval;
  settings: SettingsRepository;
  notesMetrics: GatewayMetrics["notes"];
  models: ModelsRepository;
  conversations: ConversationStore;
  /** Shown in the "too many asks" reply. */
  perUserPerMinute: number;
  /** Counts jobs added (ask_jobs_enqueued_total). */
  enqueued: { inc(): void };
}

/**
 * Questions to the model: `/ask`, any plain text in a private chat, and in groups a reply to one of the
 * bot's answers. Each gets a placeholder at once and a job for the LLM workers. The job id comes from the
 * Telegram update and the placeholder's id is remembered with the update, so handling an update again
 * (a re-delivery, a restart) reuses its placeholder and never makes a second job.
 * Also `/cancel` (the sender's pending asks) and `/reset` (the chat's conversation memory).
 */
export function createAskComposer(deps: Deps): Composer<BotContext> {
  const { queue, models, conversations } = deps;
  const composer = new Composer<BotContext>();

  const unavailable = async (ctx: BotContext, error: unknown) => {
    if (!(error instanceof QueueUnavailableError)) throw error;
    await ctx.reply(ctx.texts.ask.unavailable);
  };

  /** The question as typed, or the reply to send instead (empty, too long). */
  const questionOf = (
    ctx: BotContext,
    raw: string,
    usage: string,
  ): { question: string } | { reply: string } => {
    const question = raw.trim();
    if (question === "") return { reply: usage };
    const length = characterCount(question);
    if (length > QUESTION_MAX_LENGTH) return { reply: ctx.texts.ask.tooLong(length) };
    return { question };
  };

  /**
   * Puts one ask on the queue for this update: a placeholder at once (sent once per update, reused when
   * the update is handled again), then the job, whose id comes from the update.
   */
  const submit = async (ctx: AskContext, ask: Submission) => {
    const userId = ctx.from?.id;
    if (userId === undefined) return;
    // The model asked for (or the active one), or the first available fallback when it is unavailable.
    const route = await models.route(ask.model);
    if (!route.ok) {
      return void (await ctx.reply(
        route.reason === "no_active" ? ctx.texts.noActiveModel : ctx.texts.noAvailableModel(route.model),
      ));
    }

    const updateId = ctx.update.update_id;
    let placeholder: Placeholder | null;
    try {
      queue.assertConnected();
      // Its job exists: the update was handled up to the enqueue before, and the worker answers it.
      if (!ctx.firstHandling && (await queue.has(updateId))) return;
      // Admitted and sent once per update, saying where the ask waits; null: over the per-user limit.
      placeholder = await ctx.remembered("placeholder", async (): Promise<Placeholder | null> => {
        const queuedBehind = await queue.admit(userId, updateId);
        if (queuedBehind === undefined) return null;
        const text = queuedBehind > 0 ? ctx.texts.ask.queued(queuedBehind) : ctx.texts.ask.placeholder;
        const sent = await ctx
          .reply(text, {
            reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true },
          })
          .catch(async (error: unknown) => {
            await queue.withdraw(userId, updateId);
            throw error;
          });
        return { messageId: sent.message_id, queuedBehind };
      });
    } catch (error) {
      return unavailable(ctx, error);
    }
    if (placeholder === null) return void (await ctx.reply(ctx.texts.ask.tooMany(deps.perUserPerMinute)));

    try {
      await queue.enqueue(updateId, {
        chatId: ctx.chat.id,
        // A question in a forum topic is answered there (grammY's ctx.reply does so for the placeholder).
        ...(ctx.msg.is_topic_message && ctx.msg.message_thread_id !== undefined
          ? { threadId: ctx.msg.message_thread_id }
          : {}),
        placeholderMessageId: placeholder.messageId,
        userId,
        question: ask.question,
        modelKey: route.modelKey,
        fallbackModelKeys: route.fallbackModelKeys,
        queuedBehind: placeholder.queuedBehind,
        ...(route.contextLength === undefined ? {} : { contextLength: route.contextLength }),
        enqueuedAt: Date.now(),
        locale: ctx.locale,
        kind: ask.kind ?? "ask",
        notes: (ask.notes ?? []).map((n) => ({
          id: n.id,
          text: n.text,
          createdAt: n.createdAt.toISOString(),
        })),
        ...(ask.digest ? { digest: ask.digest } : {}),
      });
      deps.enqueued.inc();
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      // Not added: no "⏳" is left waiting for it (told first), and it no longer counts as pending.
      await replaceWithUnavailable(ctx, placeholder.messageId);
      await queue.withdraw(userId, updateId);
    }
  };

  /**
   * The placeholder of an ask that will not be answered says so; if it cannot be edited, it goes and
   * a new message says so instead.
   */
  const replaceWithUnavailable = async (ctx: AskContext, messageId: number) => {
    const text = ctx.texts.ask.unavailable;
    const edited = await ctx.api.editMessageText(ctx.chat.id, messageId, text).then(
      () => true,
      () => false,
    );
    if (edited) return;
    await ctx.api.deleteMessage(ctx.chat.id, messageId).catch(() => {});
    await ctx.reply(text);
  };

  const askQuestion = async (ctx: AskContext, raw: string) => {
    const parsed = questionOf(ctx, raw, ctx.texts.ask.usage);
    if ("reply" in parsed) return void (await ctx.reply(parsed.reply));
    await submit(ctx, { question: parsed.question });
  };

  // A question about the sender's own notes: only theirs are searched, and only those found are sent.
  composer.command("ask_notes", async (ctx) => {
    const userId = ctx.from?.id;
    if (userId === undefined) return;
    const parsed = questionOf(ctx, ctx.match, ctx.texts.notesAsk.usage);
    if ("reply" in parsed) return void (await ctx.reply(parsed.reply));
    const stop = deps.notesMetrics.retrievalSeconds.startTimer();
    const found = await deps.retrieval.relevant(userId, parsed.question);
    stop();
    deps.notesMetrics.notesFound.observe(found.length);
    if (found.length === 0) return void (await ctx.reply(ctx.texts.notesAsk.nothing));
    // Told once, before the first notes leave: which notes go where.
    if (await ctx.once("privacy", (tx) => deps.settings.tellNotesPrivacyOnce(userId, tx))) {
      await ctx.reply(ctx.texts.notesAsk.privacy);
    }
    await submit(ctx, { question: parsed.question, kind: "notes", notes: found });
  });

  // A digest of the sender's recent notes, through the queue like an ask.
  composer.command("note_digest", async (ctx) => {
    const userId = ctx.from?.id;
    if (userId === undefined) return;
    const days = parseCount(ctx.match, { default: STATS_DAYS_DEFAULT, max: STATS_DAYS_MAX });
    if (!days.ok) return void (await ctx.reply(ctx.texts.digest.usage));
    const { notes, total } = await deps.notes.forDigest(userId, days.value, DIGEST_CHARS);
    if (total === 0) return void (await ctx.reply(ctx.texts.digest.nothing(days.value)));
    deps.notesMetrics.digests.inc();
    await submit(ctx, {
      question: ctx.texts.digest.question(days.value),
      kind: "digest",
      notes,
      digest: { days: days.value, total },
    });
  });

  // The chat's last question again, as a new ask; with a model id, with that model.
  composer.command("retry", async (ctx) => {
    const rawId = ctx.match.trim();
    let model: ModelView | undefined;
    if (rawId !== "") {
      const id = parseModelId(rawId);
      if (!id.ok) return void (await ctx.reply(ctx.texts.retry.usage));
      model = await models.byId(id.value);
      if (!model) return void (await ctx.reply(ctx.texts.modelNotFound(rawId)));
      // As for /model: an unavailable model is not asked.
      if (!model.available) return void (await ctx.reply(ctx.texts.modelUnavailable(model)));
    }
    const question = await conversations.lastQuestion(ctx.chat.id);
    if (question === undefined) return void (await ctx.reply(ctx.texts.retry.nothing));
    await submit(ctx, { question, ...(model ? { model } : {}) });
  });

  composer.command("ask", (ctx) => askQuestion(ctx, ctx.match));

  composer.command("cancel", async (ctx) => {
    const userId = ctx.from?.id;
    if (userId === undefined) return;
    let total: number;
    try {
      // Once per update: handled again, it reports the same count instead of "nothing to cancel".
      total = await ctx.remembered("cancelled", async () => {
        const result = await queue.cancel(userId);
        for (const job of result.removed) {
          await ctx.api
            .editMessageText(job.chatId, job.placeholderMessageId, ctx.texts.ask.cancelled)
            .catch(() => {});
        }
        return result.removed.length + result.signalled;
      });
    } catch (error) {
      return unavailable(ctx, error);
    }
    await ctx.reply(total === 0 ? ctx.texts.ask.nothingToCancel : ctx.texts.ask.cancelledCount(total));
  });

  composer.command("reset", async (ctx) => {
    const chatId = ctx.chat.id;
    await ctx.once("reset", (tx) => conversations.reset(chatId, tx));
    await ctx.reply(ctx.texts.ask.memoryReset);
  });

  // Plain text in a private chat is a question, as in other LLM bots.
  composer.chatType("private").on("message:text", async (ctx, next) => {
    if (ctx.msg.text.startsWith("/")) return next();
    await askQuestion(ctx, ctx.msg.text);
  });

  // In groups, a mention of the bot is a question, and a reply to one of its answers continues the
  // conversation; a reply to any other message of the bot is chatter.
  composer.chatType(["group", "supergroup"]).on("message:text", async (ctx, next) => {
    if (ctx.msg.text.startsWith("/")) return next();
    const question =
      withoutMentionOf(ctx.me, ctx.msg) ??
      (isBotAnswer(ctx.msg.reply_to_message, ctx.me) ? ctx.msg.text : undefined);
    if (question === undefined) return next();
    await askQuestion(ctx, question);
  });

  return composer;
}

type AskContext = BotContext & {
  chat: { id: number };
  msg: { message_id: number; is_topic_message?: boolean; message_thread_id?: number };
};

interface Submission {
  question: string;
  kind?: "ask" | "notes" | "digest";
  notes?: readonly NoteView[];
  digest?: { days: number; total: number };
  /** Another model than the active one (/retry <id>). */
  model?: ModelView;
}

/** The placeholder of an admitted ask, as its update remembers it. */
type Placeholder = {
  messageId: number;
  /** The user's asks pending before this one. */
  queuedBehind: number;
};
