import { type AskProducer, QueueUnavailableError } from "@notesbot/shared/queue";
import { QUESTION_MAX_LENGTH, type Texts } from "@notesbot/shared/texts";
import { Composer, type Context } from "grammy";
import { characterCount } from "../arguments.js";
import type { ModelsRepository } from "../models/repository.js";

interface Deps {
  queue: AskProducer;
  models: ModelsRepository;
  texts: Texts;
  /** Shown in the "too many asks" reply. */
  perUserPerMinute: number;
  /** Counts jobs added (ask_jobs_enqueued_total). */
  enqueued: { inc(): void };
}

/**
 * /ask answers at once with a placeholder and leaves the question to the LLM workers; the job id comes
 * from the Telegram update, so a repeated delivery never makes a second job (or a second placeholder).
 */
export function createAskComposer({
  queue,
  models,
  texts,
  enqueued,
  perUserPerMinute,
}: Deps): Composer<Context> {
  const composer = new Composer<Context>();

  composer.command("ask", async (ctx) => {
    const userId = ctx.from?.id;
    if (userId === undefined) return;
    const question = ctx.match.trim();
    if (question === "") return void (await ctx.reply(texts.ask.usage));
    const length = characterCount(question);
    if (length > QUESTION_MAX_LENGTH) return void (await ctx.reply(texts.ask.tooLong(length)));

    const model = await models.active();
    if (!model) return void (await ctx.reply(texts.noActiveModel));

    const updateId = ctx.update.update_id;
    try {
      if (await queue.has(updateId)) return;
      if (!(await queue.admit(userId))) return void (await ctx.reply(texts.ask.tooMany(perUserPerMinute)));
    } catch (error) {
      if (error instanceof QueueUnavailableError) return void (await ctx.reply(texts.ask.unavailable));
      throw error;
    }

    const placeholder = await ctx.reply(texts.ask.placeholder, {
      reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true },
    });
    try {
      await queue.enqueue(updateId, {
        chatId: ctx.chat.id,
        placeholderMessageId: placeholder.message_id,
        userId,
        question,
        modelKey: model.key,
        enqueuedAt: Date.now(),
      });
      enqueued.inc();
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      await ctx.api.editMessageText(ctx.chat.id, placeholder.message_id, texts.ask.unavailable);
    }
  });

  return composer;
}
