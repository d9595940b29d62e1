import {
  NOTE_FIND_MAX,
  NOTE_LIST_DEFAULT,
  NOTE_LIST_MAX,
  NOTE_MAX_LENGTH,
  STATS_DAYS_DEFAULT,
  STATS_DAYS_MAX,
} from "@notesbot/shared/domain";
import type { Texts } from "@notesbot/shared/texts";
import { Composer } from "grammy";
import type { User } from "grammy/types";
import type { BotContext } from "../../context.js";
import {
  characterCount,
  hasUnstorableCharacters,
  parseCount,
  parseId,
  parseNoteText,
  splitFirstWord,
} from "../arguments.js";
import { replyInParts } from "../reply.js";
import { exportParts } from "./export.js";
import { formatStats } from "./format.js";
import type { NotesRepository } from "./repository.js";

interface Deps {
  notes: NotesRepository;
}

/**
 * The notes commands. Adding, editing and deleting are effects done once per update (`ctx.onceStatement`): a
 * second handling of the same update replies as the first did and changes nothing.
 */
export function createNotesComposer({ notes }: Deps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  // The sender owns the notes; updates without a sender (channel posts) are not for this feature.
  const fromUsers = composer.filter((ctx): ctx is BotContext & { from: User } => ctx.from !== undefined);

  const noteTextError = (texts: Texts, raw: string, error: "empty" | "too_long" | "unstorable") => {
    if (error === "empty") return texts.usage.note_add;
    if (error === "unstorable") return texts.unstorableCharacters;
    return texts.noteTooLong(characterCount(raw.trim()));
  };

  fromUsers.command("note_add", async (ctx) => {
    const userId = ctx.from.id;
    const text = parseNoteText(ctx.match, NOTE_MAX_LENGTH);
    if (!text.ok) return void (await ctx.reply(noteTextError(ctx.texts, ctx.match, text.error)));
    const chatId = ctx.chat.id;
    const noteId = String(await ctx.onceStatement("note", notes.add(userId, chatId, text.value)));
    await ctx.reply(ctx.texts.noteAdded(noteId));
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
    const edited = (await ctx.onceStatement("note", notes.edit(userId, id.value, text.value))) === true;
    await ctx.reply(edited ? ctx.texts.noteEdited(id.value) : ctx.texts.noteNotFound(id.value));
  });

  fromUsers.command("note_del", async (ctx) => {
    const userId = ctx.from.id;
    const rawId = ctx.match.trim();
    if (rawId === "") return void (await ctx.reply(ctx.texts.usage.note_del));
    const id = parseId(rawId);
    if (!id.ok) return void (await ctx.reply(`${ctx.texts.invalidId(rawId)}\n${ctx.texts.usage.note_del}`));
    const removed = (await ctx.onceStatement("note", notes.remove(userId, id.value))) === true;
    await ctx.reply(removed ? ctx.texts.noteDeleted(id.value) : ctx.texts.noteNotFound(id.value));
  });

  fromUsers.command("note_count", async (ctx) => {
    const userId = ctx.from.id;
    if (ctx.match.trim() !== "") return void (await ctx.reply(ctx.texts.noArguments("note_count")));
    await ctx.reply(ctx.texts.noteCount(await notes.count(userId)));
  });

  fromUsers.command("note_export", async (ctx) => {
    const userId = ctx.from.id;
    if (ctx.match.trim() !== "") return void (await ctx.reply(ctx.texts.noArguments("note_export")));
    const total = await notes.count(userId);
    if (total === 0) return void (await ctx.reply(ctx.texts.exportEmpty));
    let part = 0;
    for await (const file of exportParts(notes, userId)) {
      part++;
      await ctx.replyWithDocument(file, {
        caption: part === 1 ? ctx.texts.exportCaption(total) : ctx.texts.exportCaptionPart(part),
      });
    }
  });

  fromUsers.command("note_stats", async (ctx) => {
    const userId = ctx.from.id;
    const days = parseCount(ctx.match, { default: STATS_DAYS_DEFAULT, max: STATS_DAYS_MAX });
    if (!days.ok) return void (await ctx.reply(ctx.texts.usage.note_stats));
    const perDay = await notes.perDay(userId, days.value);
    await replyInParts(ctx, formatStats(ctx.texts, days.value, perDay), "\n");
  });

  return composer;
}
