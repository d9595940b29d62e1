import { storableText } from "@notesbot/shared/db";
import { type AskProducer, jobIdOfSaveCallback, QueueUnavailableError } from "@notesbot/shared/queue";
import { Composer } from "grammy";
import type { BotContext } from "../../context.js";
import { fitNote } from "../notes/format.js";
import type { NotesRepository } from "../notes/repository.js";

/**
 * The "📝" button under an answer: saves the question and the answer as a note of the user who asked,
 * once (pressing it again finds the same note). Pressed by anyone else, it stores nothing and tells
 * them nothing of the ask. The ask is read from its job, which the queue keeps a day.
 */
export function createSaveComposer(deps: {
  queue: AskProducer;
  notes: NotesRepository;
}): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("callback_query:data", async (ctx, next) => {
    const jobId = jobIdOfSaveCallback(ctx.callbackQuery.data);
    if (jobId === undefined) return next();
    const userId = ctx.from.id;
    let asked: Awaited<ReturnType<AskProducer["answerOf"]>>;
    try {
      asked = await deps.queue.answerOf(jobId);
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      return void (await ctx.answerCallbackQuery({ text: ctx.texts.ask.unavailable, show_alert: true }));
    }
    if (asked === undefined) return void (await ctx.answerCallbackQuery({ text: ctx.texts.save.expired }));
    if (asked.userId !== userId)
      return void (await ctx.answerCallbackQuery({ text: ctx.texts.save.notYours }));
    const chatId = ctx.chat?.id ?? userId;
    const text = storableText(noteOfAnswer(asked.question, asked.answer));
    const noteId = await ctx.once("save", (tx) => deps.notes.addSaved(userId, chatId, jobId, text, tx));
    await ctx.answerCallbackQuery({ text: ctx.texts.save.done(noteId) });
  });
  return composer;
}

/** The note of a saved answer: the question, then the answer, cut to a note's length if need be. */
export function noteOfAnswer(question: string, answer: string): string {
  return fitNote(`❓ ${question.trim()}\n\n${answer.trim()}`);
}
