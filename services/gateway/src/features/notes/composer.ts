import {
  IMPORT_MAX_BYTES,
  NOTE_FIND_MAX,
  NOTE_LIST_DEFAULT,
  NOTE_LIST_MAX,
  NOTE_MAX_LENGTH,
  STATS_DAYS_DEFAULT,
  STATS_DAYS_MAX,
} from "@notesbot/shared/domain";
import type { Logger } from "@notesbot/shared/logging";
import type { FileDownload } from "@notesbot/shared/telegram";
import type { Texts } from "@notesbot/shared/texts";
import { Composer } from "grammy";
import type { Document, Message, User } from "grammy/types";
import type { BotContext } from "../../context.js";
import {
  characterCount,
  hasUnstorableCharacters,
  parseCount,
  parseId,
  parseNoteText,
  splitFirstWord,
} from "../arguments.js";
import { mediaOf } from "../media/classify.js";
import { noteReminderKeyboard } from "../reminders/keyboards.js";
import { replyInParts } from "../reply.js";
import { exportParts } from "./export.js";
import { EXPORT_FORMATS, formatStats } from "./format.js";
import { importFormatOf, parseImport } from "./import.js";
import type { NotesRepository } from "./repository.js";

/** How long an import's file may take to download. */
const IMPORT_DOWNLOAD_MS = 30_000;

interface Deps {
  notes: NotesRepository;
  /** Telegram files by id (the import's document). */
  download: FileDownload;
  logger: Logger;
}

/**
 * The notes commands. Adding, editing, deleting (`ctx.onceStatement`, one statement each) and importing
 * (`ctx.once`) are effects done once per update: a second handling of the same update replies as the
 * first did and changes nothing.
 */
export function createNotesComposer({ notes, download, logger }: Deps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  // The sender owns the notes; updates without a sender (channel posts) are not for this feature.
  const fromUsers = composer.filter((ctx): ctx is BotContext & { from: User } => ctx.from !== undefined);

  const noteTextError = (texts: Texts, raw: string, error: "empty" | "too_long" | "unstorable") => {
    if (error === "empty") return texts.usage.note_add;
    if (error === "unstorable") return texts.unstorableCharacters;
    return texts.noteTooLong(characterCount(raw.trim()));
  };

  fromUsers.command("note_add", async (ctx, next) => {
    // Empty, as a reply to a voice message: its transcript is the note (media/questions.ts).
    const replied = ctx.match.trim() === "" ? mediaOf(ctx.msg.reply_to_message) : undefined;
    if (replied?.ok === true && replied.media.kind === "audio") return next();
    const userId = ctx.from.id;
    const text = parseNoteText(ctx.match, NOTE_MAX_LENGTH);
    if (!text.ok) return void (await ctx.reply(noteTextError(ctx.texts, ctx.match, text.error)));
    const chatId = ctx.chat.id;
    const noteId = String(await ctx.onceStatement("note", notes.addStatement(userId, chatId, text.value)));
    // ⏰: a reminder of the note at a ready-made time (features/reminders handles the press).
    await ctx.reply(ctx.texts.noteAdded(noteId), { reply_markup: noteReminderKeyboard(ctx.texts, noteId) });
  });

  fromUsers.command("note_list", async (ctx) => {
    const userId = ctx.from.id;
    const limit = parseCount(ctx.match, { default: NOTE_LIST_DEFAULT, max: NOTE_LIST_MAX });
    if (!limit.ok) return void (await ctx.reply(ctx.texts.usage.note_list));
    const list = await notes.newest(userId, limit.value);
    if (list.length === 0) return void (await ctx.reply(ctx.texts.noNotes));
    await replyInParts(ctx, [ctx.texts.listHeader(list.length), ...list.map(ctx.texts.note)]);
  });

  fromUsers.command("note_find", async (ctx) => {
    const userId = ctx.from.id;
    const query = ctx.match.trim();
    if (query === "") return void (await ctx.reply(ctx.texts.usage.note_find));
    if (characterCount(query) > NOTE_MAX_LENGTH) return void (await ctx.reply(ctx.texts.usage.note_find));
    if (hasUnstorableCharacters(query)) return void (await ctx.reply(ctx.texts.unstorableCharacters));
    const { notes: found, total } = await notes.find(userId, query, NOTE_FIND_MAX);
    if (total === 0) return void (await ctx.reply(ctx.texts.findNothing(query)));
    await replyInParts(ctx, [ctx.texts.findHeader(query, found.length, total), ...found.map(ctx.texts.note)]);
  });

  fromUsers.command("note_edit", async (ctx) => {
    const userId = ctx.from.id;
    const [rawId, rawText] = splitFirstWord(ctx.match);
    if (rawId === "") return void (await ctx.reply(ctx.texts.usage.note_edit));
    const id = parseId(rawId);
    if (!id.ok) return void (await ctx.reply(`${ctx.texts.invalidId(rawId)}\n${ctx.texts.usage.note_edit}`));
    const text = parseNoteText(rawText, NOTE_MAX_LENGTH);
    if (!text.ok) {
      return void (await ctx.reply(
        text.error === "empty" ? ctx.texts.usage.note_edit : noteTextError(ctx.texts, rawText, text.error),
      ));
    }
    const edited =
      (await ctx.onceStatement("note", notes.editStatement(userId, id.value, text.value))) === true;
    await ctx.reply(edited ? ctx.texts.noteEdited(id.value) : ctx.texts.noteNotFound(id.value));
  });

  fromUsers.command("note_del", async (ctx) => {
    const userId = ctx.from.id;
    const rawId = ctx.match.trim();
    if (rawId === "") return void (await ctx.reply(ctx.texts.usage.note_del));
    const id = parseId(rawId);
    if (!id.ok) return void (await ctx.reply(`${ctx.texts.invalidId(rawId)}\n${ctx.texts.usage.note_del}`));
    const removed = (await ctx.onceStatement("note", notes.removeStatement(userId, id.value))) === true;
    await ctx.reply(removed ? ctx.texts.noteDeleted(id.value) : ctx.texts.noteNotFound(id.value));
  });

  fromUsers.command("note_count", async (ctx) => {
    const userId = ctx.from.id;
    if (ctx.match.trim() !== "") return void (await ctx.reply(ctx.texts.noArguments("note_count")));
    await ctx.reply(ctx.texts.noteCount(await notes.count(userId)));
  });

  fromUsers.command("note_export", async (ctx) => {
    const userId = ctx.from.id;
    const raw = ctx.match.trim().toLowerCase() || "txt";
    if (!(raw === "txt" || raw === "json" || raw === "md")) {
      return void (await ctx.reply(ctx.texts.transfer.exportUsage));
    }
    const total = await notes.count(userId);
    if (total === 0) return void (await ctx.reply(ctx.texts.exportEmpty));
    let part = 0;
    for await (const file of exportParts(notes, userId, { format: EXPORT_FORMATS[raw] })) {
      part++;
      await ctx.replyWithDocument(file, {
        caption: part === 1 ? ctx.texts.exportCaption(total) : ctx.texts.exportCaptionPart(part),
      });
    }
  });

  const importFile = async (ctx: BotContext & { from: User; chat: { id: number } }, document?: Document) => {
    const userId = ctx.from.id;
    if (document === undefined) return void (await ctx.reply(ctx.texts.transfer.importUsage));
    const format = importFormatOf(document.file_name, document.mime_type);
    if (format === undefined) return void (await ctx.reply(ctx.texts.transfer.unknownFormat));
    if (document.file_size !== undefined && document.file_size > IMPORT_MAX_BYTES) {
      return void (await ctx.reply(ctx.texts.transfer.tooBig(document.file_size)));
    }
    const file = await download(document.file_id, IMPORT_MAX_BYTES, AbortSignal.timeout(IMPORT_DOWNLOAD_MS));
    if (!file.ok && file.reason === "too_big")
      return void (await ctx.reply(ctx.texts.transfer.tooBig(file.size ?? IMPORT_MAX_BYTES + 1)));
    if (!file.ok) {
      logger.warn({ userId, reason: file.detail }, "an import's file could not be downloaded");
      return void (await ctx.reply(ctx.texts.transfer.downloadFailed));
    }
    const parsed = parseImport(file.bytes, format);
    if (!parsed.ok) return void (await ctx.reply(ctx.texts.transfer.malformed(parsed.problem)));
    const chatId = ctx.chat.id;
    // One transaction: every note or none; the same notes sent again are skipped (repository).
    const added = await ctx.once("import", (tx) => notes.addImported(userId, chatId, parsed.notes, tx));
    await ctx.reply(ctx.texts.transfer.imported(added, parsed.notes.length - added));
  };
  // The file is the document the command replies to, or the one whose caption the command is (grammY's
  // command() reads only a message's text, so a caption is matched here).
  fromUsers.command("note_import", (ctx) => importFile(ctx, ctx.msg.reply_to_message?.document));
  fromUsers
    .on("message:document")
    .filter((ctx) => isCaptionCommand(ctx.msg, ctx.me.username, "note_import"))
    .use((ctx) => importFile(ctx, ctx.msg.document));

  fromUsers.command("note_stats", async (ctx) => {
    const userId = ctx.from.id;
    const days = parseCount(ctx.match, { default: STATS_DAYS_DEFAULT, max: STATS_DAYS_MAX });
    if (!days.ok) return void (await ctx.reply(ctx.texts.usage.note_stats));
    const perDay = await notes.perDay(userId, days.value);
    await replyInParts(ctx, formatStats(ctx.texts, days.value, perDay), "\n");
  });

  return composer;
}

/** Whether a caption starts with `/<command>` (for no bot in particular, or for this one). */
function isCaptionCommand(message: Message, username: string, command: string): boolean {
  const entity = message.caption_entities?.find((e) => e.type === "bot_command" && e.offset === 0);
  if (entity === undefined) return false;
  const [name, bot] = (message.caption ?? "").slice(1, entity.length).split("@");
  return (
    name?.toLowerCase() === command && (bot === undefined || bot.toLowerCase() === username.toLowerCase())
  );
}
