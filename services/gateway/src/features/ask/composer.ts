import type { ConversationStore } from "@notesbot/shared/conversations";
import {
  type ModelView,
  QUESTION_MAX_LENGTH,
  STATS_DAYS_DEFAULT,
  STATS_DAYS_MAX,
} from "@notesbot/shared/domain";
import type { GatewayMetrics } from "@notesbot/shared/metrics";
import { Composer } from "grammy";
import { isBotAnswer, withoutMentionOf } from "../../addressed.js";
import type { BotContext } from "../../context.js";
import { characterCount, parseCount, parseModelId } from "../arguments.js";
import { createMediaQuestions } from "../media/questions.js";
import type { NotesRepository } from "../notes/repository.js";
import type { NotesRetrieval } from "../notes/retrieval.js";
import type { SettingsRepository } from "../settings/repository.js";
import { type AskContext, createSubmit, replyUnavailable, type SubmitDeps } from "./submit.js";

/** Characters of notes a digest sends at most (the newest first); the worker may send fewer to fit the model. */
const DIGEST_CHARS = 12_000;

interface Deps extends SubmitDeps {
  notes: NotesRepository;
  retrieval: NotesRetrieval;
  settings: SettingsRepository;
  notesMetrics: GatewayMetrics["notes"];
  conversations: ConversationStore;
}

/**
 * Questions to the model: `/ask`, any plain text in a private chat, and in groups a reply to one of the
 * bot's answers. Each is submitted (submit.ts): a placeholder at once and a job for the LLM workers, the
 * job id from the Telegram update, so handling an update again never makes a second job.
 * Also `/cancel` (the sender's pending asks) and `/reset` (the chat's conversation memory).
 */
export function createAskComposer(deps: Deps): Composer<BotContext> {
  const { queue, models, conversations } = deps;
  const composer = new Composer<BotContext>();
  const submit = createSubmit(deps);
  const media = createMediaQuestions(submit);

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

  const askQuestion = async (ctx: AskContext, raw: string) => {
    // About a photo, voice or document: the message's own (a caption), or the one it replies to.
    const attached = media.attached(ctx.msg);
    if (attached !== undefined) return media.ask(ctx, attached, raw);
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
      return replyUnavailable(ctx, error);
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

  // A photo, voice message or document sent as a question.
  composer.use(media.composer);

  return composer;
}
