/**
 * Capture: in a private chat, a forwarded message (text, or the caption of a photo, video or document)
 * is saved as a note with its origin, not asked to the model; a forwarded album's parts are gathered
 * (albums.ts) and become one note. The reply says what was saved, with an undo button that deletes that
 * note for its owner only. Installed before every other feature: a forwarded "/command" is a note too.
 */
import { Composer } from "grammy";
import type { BotContext } from "../../context.js";
import type { NotesRepository } from "../notes/repository.js";
import { addAlbumPart } from "./albums.js";
import { contentOf, noteText, originOf, UNDO_PATTERN, undoData } from "./content.js";

export function createCaptureComposer({ notes }: { notes: NotesRepository }): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.chatType("private").on("message:forward_origin", async (ctx) => {
    const userId = ctx.from.id;
    const chatId = ctx.chat.id;
    const message = ctx.msg;
    const origin = originOf(message.forward_origin);
    const { text, photo } = contentOf(message);
    if (message.media_group_id !== undefined) {
      // The flusher makes the note once the album is quiet, and replies then.
      const part = {
        chatId,
        mediaGroupId: message.media_group_id,
        userId,
        messageId: message.message_id,
        caption: text,
        photo,
        origin,
        locale: ctx.locale,
      };
      await ctx.once("album-part", (tx) => addAlbumPart(part, tx));
      return;
    }
    if (text === "" && photo === undefined) return void (await ctx.reply(ctx.texts.capture.nothing));
    const note = noteText([text]);
    const photos = photo === undefined ? [] : [photo];
    const noteId = await ctx.once(
      "forward",
      async (tx) => (await notes.add(userId, chatId, note.text, tx, { origin, photos })).id,
    );
    await ctx.reply(ctx.texts.capture.saved(noteId, origin.name, photos.length, note.cut), {
      reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
      reply_markup: {
        inline_keyboard: [[{ text: ctx.texts.capture.undoButton, callback_data: undoData(noteId) }]],
      },
    });
  });

  // Undo: deletes the note for its owner; for anyone else the note does not exist.
  composer.callbackQuery(UNDO_PATTERN, async (ctx) => {
    const noteId = ctx.match[1] as string;
    const userId = ctx.from.id;
    const removed = await ctx.once("undo", (tx) => notes.remove(userId, noteId, tx));
    if (!removed) return void (await ctx.answerCallbackQuery({ text: ctx.texts.noteNotFound(noteId) }));
    await ctx.answerCallbackQuery({ text: ctx.texts.noteDeleted(noteId) });
    // The reply loses its button; handled again, the edit changes nothing and is refused: no matter.
    await ctx.editMessageText(ctx.texts.capture.undone(noteId)).catch(() => {});
  });

  return composer;
}
