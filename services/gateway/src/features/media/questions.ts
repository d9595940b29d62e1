/**
 * Photos, voice messages, audio files and documents as questions. In a private chat a medium sent
 * alone is a question (its caption the question; a photo or voice without one gets a default, a
 * document needs one); in groups one whose caption mentions the bot or that replies to one of the
 * bot's answers. `/ask` (or a mention, or in a private chat plain text) as a reply to a medium asks
 * about it too: the ask composer calls `ask` with what `attached` finds; `/note_add` alone as a reply to
 * a voice message saves its transcript as a note. A medium that is too large or of a type the bot cannot
 * read is refused with a message, and nothing is queued.
 */
import { QUESTION_MAX_LENGTH } from "@notesbot/shared/domain";
import { Composer } from "grammy";
import type { Message } from "grammy/types";
import { isBotAnswer, withoutMentionOf } from "../../addressed.js";
import type { BotContext } from "../../context.js";
import { characterCount } from "../arguments.js";
import type { AskContext, createSubmit } from "../ask/submit.js";
import { type MediaCheck, mediaOf } from "./classify.js";

const MEDIA_MESSAGES: ["message:photo", "message:voice", "message:audio", "message:document"] = [
  "message:photo",
  "message:voice",
  "message:audio",
  "message:document",
];

export function createMediaQuestions(submit: ReturnType<typeof createSubmit>) {
  /** Asks `typed` (empty: nothing typed) about the medium `check` found, or says why it cannot. */
  const ask = async (ctx: AskContext, check: MediaCheck, typed: string): Promise<void> => {
    const t = ctx.texts.media;
    if (!check.ok) {
      return void (await ctx.reply(
        check.reason === "type" ? t.wrongType(check.fileName) : t.tooBig(check.kind, check.size, check.limit),
      ));
    }
    const { media } = check;
    let question = typed.trim();
    if (question === "") {
      if (media.kind === "text" || media.kind === "pdf") return void (await ctx.reply(t.needsQuestion));
      question = media.kind === "image" ? t.imageQuestion : t.voiceQuestion;
    }
    const length = characterCount(question);
    if (length > QUESTION_MAX_LENGTH) return void (await ctx.reply(ctx.texts.ask.tooLong(length)));
    await submit(ctx, { question, media });
  };

  /** The medium an ask is about: the message's own (a command in its caption), else the one it replies to. */
  const attached = (message: Message): MediaCheck | undefined =>
    mediaOf(message) ?? mediaOf(message.reply_to_message);

  const composer = new Composer<BotContext>();
  // A command in a caption (`/ask …` under a photo) is the commands' to handle.
  const isCommand = (caption: string | undefined) => caption?.startsWith("/") === true;

  // `/note_add` (nothing else) as a reply to a voice message or audio: its transcript becomes a note.
  composer.command("note_add", async (ctx, next) => {
    const check = ctx.match.trim() === "" ? mediaOf(ctx.msg.reply_to_message) : undefined;
    if (check?.ok !== true || check.media.kind !== "audio") return next();
    await submit(ctx, { question: ctx.texts.media.voiceQuestion, media: { ...check.media, asNote: true } });
  });

  composer.chatType("private").on(MEDIA_MESSAGES, async (ctx, next) => {
    const check = mediaOf(ctx.msg);
    if (check === undefined || isCommand(ctx.msg.caption)) return next();
    await ask(ctx, check, ctx.msg.caption ?? "");
  });

  composer.chatType(["group", "supergroup"]).on(MEDIA_MESSAGES, async (ctx, next) => {
    const check = mediaOf(ctx.msg);
    if (check === undefined || isCommand(ctx.msg.caption)) return next();
    const caption = { text: ctx.msg.caption ?? "", entities: ctx.msg.caption_entities ?? [] };
    const question =
      withoutMentionOf(ctx.me, caption) ??
      (isBotAnswer(ctx.msg.reply_to_message, ctx.me) ? caption.text : undefined);
    if (question === undefined) return next();
    await ask(ctx, check, question);
  });

  return { ask, attached, composer };
}
