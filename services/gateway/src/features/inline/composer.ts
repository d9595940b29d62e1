/**
 * Inline search: `@bot <words>` in any chat answers with the sender's own notes that contain the words
 * (the search of /note_find), an empty query with their newest notes; `INLINE_RESULTS` a page, the next
 * page through `next_offset`. Answers are personal and never cached, so nobody sees another user's notes
 * and an edited note shows at once. Inline queries skip the durable inbox (intake/fleeting.ts).
 */
import { INLINE_RESULTS, type NoteView } from "@notesbot/shared/domain";
import { cutBeforePair, TELEGRAM_MESSAGE_LIMIT } from "@notesbot/shared/telegram";
import { formatDateTime, originLine } from "@notesbot/shared/texts";
import { Composer } from "grammy";
import type { InlineQueryResultArticle } from "grammy/types";
import type { BotContext } from "../../context.js";
import { characterCount, hasUnstorableCharacters } from "../arguments.js";
import type { NotesRepository } from "../notes/repository.js";

/** Paging stops here: a search is not a way to read thousands of notes one page at a time. */
const MAX_OFFSET = 1000;
const TITLE_MAX = 60;

export function createInlineComposer({ notes }: { notes: NotesRepository }): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("inline_query", async (ctx) => {
    const userId = ctx.from.id;
    const query = ctx.inlineQuery.query.trim();
    // An offset that is not ours, or a query that cannot be stored, finds nothing (queries are at most
    // 256 characters: Telegram's own bound).
    const offset = parseOffset(ctx.inlineQuery.offset) ?? MAX_OFFSET;
    const searchable = offset < MAX_OFFSET && !hasUnstorableCharacters(query) && characterCount(query) <= 256;
    // One more than a page, to know whether another page follows.
    const found = !searchable
      ? []
      : query === ""
        ? await notes.newest(userId, INLINE_RESULTS + 1, offset)
        : (await notes.find(userId, query, INLINE_RESULTS + 1, { offset, total: false })).notes;
    const page = found.slice(0, INLINE_RESULTS);
    const next = offset + INLINE_RESULTS;
    await ctx.answerInlineQuery(page.map(resultOf), {
      is_personal: true,
      cache_time: 0,
      next_offset: found.length > INLINE_RESULTS && next < MAX_OFFSET ? String(next) : "",
      ...(page.length === 0 && offset === 0
        ? { button: { text: ctx.texts.inline.nothing(query), start_parameter: "inline" } }
        : {}),
    });
  });
  return composer;
}

/** The paging offset Telegram sends back (empty for the first page); undefined when it is not ours. */
function parseOffset(raw: string): number | undefined {
  if (raw === "") return 0;
  if (!/^\d{1,4}$/.test(raw)) return undefined;
  const offset = Number(raw);
  return offset < MAX_OFFSET ? offset : undefined;
}

/** A note as an article: choosing it sends the note's text (with its origin) into the chat. */
function resultOf(note: NoteView): InlineQueryResultArticle {
  const photos = note.photos?.length ?? 0;
  const firstLine = note.text.split("\n", 1)[0] ?? "";
  const origin = note.origin ? originLine(note.origin) : "";
  const body = [note.text, origin].filter((part) => part !== "").join("\n\n") || "🖼";
  return {
    type: "article",
    id: note.id,
    title: `#${note.id} ${photos > 0 ? "🖼 " : ""}${shorten(firstLine || origin || "🖼", TITLE_MAX)}`,
    description: `${formatDateTime(note.createdAt)} UTC`,
    input_message_content: { message_text: shorten(body, TELEGRAM_MESSAGE_LIMIT) },
  };
}

/** At most `max` characters (Telegram's units), never cut inside a character. */
const shorten = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, cutBeforePair(text, max - 1))}…`;
