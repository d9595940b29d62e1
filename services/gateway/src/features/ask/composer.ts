import type { ConversationStore } from "@notesbot/shared/conversations";
import { type AskProducer, QueueUnavailableError } from "@notesbot/shared/queue";
import { QUESTION_MAX_LENGTH, type Texts } from "@notesbot/shared/texts";
import { Composer } from "grammy";
import type { BotContext } from "../../context.js";
import { characterCount } from "../arguments.js";
import type { ModelsRepository } from "../models/repository.js";

interface Deps {
  queue: AskProducer;
  models: ModelsRepository;
  conversations: ConversationStore;
  texts: Texts;
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
  const { queue, models, conversations, texts } = deps;
  const composer = new Composer<BotContext>();

  const unavailable = async (ctx: BotContext, error: unknown) => {
    if (!(error instanceof QueueUnavailableError)) throw error;
    await ctx.reply(texts.ask.unavailable);
  };

  const askQuestion = async (
    ctx: BotContext & { chat: { id: number }; msg: { message_id: number } },
    raw: string,
  ) => {
    const userId = ctx.from?.id;
    if (userId === undefined) return;
    const question = raw.trim();
    if (question === "") return void (await ctx.reply(texts.ask.usage));
    const length = characterCount(question);
    if (length > QUESTION_MAX_LENGTH) return void (await ctx.reply(texts.ask.tooLong(length)));

    // The active model, or the first available fallback when it is unavailable.
    const route = await models.route();
    if (!route.ok) {
      return void (await ctx.reply(
        route.reason === "no_active" ? texts.noActiveModel : texts.noAvailableModel(route.model),
      ));
    }

    const updateId = ctx.update.update_id;
    let placeholderId: number | null;
    try {
      // Its job exists: the update was handled up to the enqueue before, and the worker answers it.
      if (await queue.has(updateId)) return;
      // Admitted and sent once per update; null: over the per-user limit.
      placeholderId = await ctx.remembered("placeholder", async () => {
        if (!(await queue.admit(userId))) return null;
        const sent = await ctx.reply(texts.ask.placeholder, {
          reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true },
        });
        return sent.message_id;
      });
    } catch (error) {
      return unavailable(ctx, error);
    }
    if (placeholderId === null) return void (await ctx.reply(texts.ask.tooMany(deps.perUserPerMinute)));

    try {
      const { queuedBehind } = await queue.enqueue(updateId, {
        chatId: ctx.chat.id,
        placeholderMessageId: placeholderId,
        userId,
        question,
        modelKey: route.modelKey,
        fallbackModelKeys: route.fallbackModelKeys,
        ...(route.contextLength === undefined ? {} : { contextLength: route.contextLength }),
        enqueuedAt: Date.now(),
      });
      deps.enqueued.inc();
      if (queuedBehind > 0) {
        await ctx.api.editMessageText(ctx.chat.id, placeholderId, texts.ask.queued(queuedBehind));
      }
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      await ctx.api.editMessageText(ctx.chat.id, placeholderId, texts.ask.unavailable);
    }
  };

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
            .editMessageText(job.chatId, job.placeholderMessageId, texts.ask.cancelled)
            .catch(() => {});
        }
        return result.removed.length + result.signalled;
      });
    } catch (error) {
      return unavailable(ctx, error);
    }
    await ctx.reply(total === 0 ? texts.ask.nothingToCancel : texts.ask.cancelledCount(total));
  });

  composer.command("reset", async (ctx) => {
    const chatId = ctx.chat.id;
    await ctx.once("reset", (tx) => conversations.reset(chatId, tx));
    await ctx.reply(texts.ask.memoryReset);
  });

  // Plain text in a private chat is a question, as in other LLM bots.
  composer.chatType("private").on("message:text", async (ctx, next) => {
    if (ctx.msg.text.startsWith("/")) return next();
    await askQuestion(ctx, ctx.msg.text);
  });

  // In groups, a reply to one of the bot's messages continues the conversation.
  composer.chatType(["group", "supergroup"]).on("message:text", async (ctx, next) => {
    if (ctx.msg.text.startsWith("/") || ctx.msg.reply_to_message?.from?.id !== ctx.me.id) return next();
    await askQuestion(ctx, ctx.msg.text);
  });

  return composer;
}
