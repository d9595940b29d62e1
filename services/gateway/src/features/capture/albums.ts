/**
 * Forwarded albums: Telegram sends each part as a message of its own (sharing `media_group_id`), in any
 * order, possibly split by a restart of the gateway. Each part is stored in PostgreSQL once
 * (`album_parts`, under `ctx.once`); the flusher, every `intervalMs` in every gateway, makes the note of
 * each album whose last part came `quietMs` ago: the captions in message order, one note per album
 * (`albums.note_id`). A part arriving later rebuilds the same note and edits the reply. The reply says
 * what was saved and carries the undo button; it is sent after the note's transaction commits, and sent
 * again if the gateway died in between (`albums.replied`).
 */
import { type Db, inTransaction } from "@notesbot/shared/db";
import { isLocale, type NoteOrigin } from "@notesbot/shared/domain";
import type { Logger } from "@notesbot/shared/logging";
import type { Localizer } from "@notesbot/shared/texts";
import { type Api, GrammyError } from "grammy";
import type pg from "pg";
import type { NotesRepository } from "../notes/repository.js";
import { noteText, undoData } from "./content.js";

/**
 * How long an album must be quiet (no new part) before its note is made, how often to look, and how
 * long a settled album's parts are kept (a part arriving later than that would start a new note;
 * Telegram sends an album's parts within seconds).
 */
export const ALBUM_FLUSH = {
  quietMs: 2_000,
  intervalMs: 1_000,
  keepMs: 24 * 3600 * 1000,
  purgeEveryTicks: 600,
} as const;

export interface AlbumPart {
  chatId: number;
  mediaGroupId: string;
  userId: number;
  messageId: number;
  caption: string;
  photo: string | undefined;
  origin: NoteOrigin;
  /** The sender's language, for the flusher's reply. */
  locale: string;
}

/** Stores one part of an album on `tx`; true when it was new. */
export async function addAlbumPart(part: AlbumPart, tx: pg.PoolClient): Promise<boolean> {
  await tx.query(
    `INSERT INTO albums (chat_id, media_group_id, user_id, locale) VALUES ($1, $2, $3, $4)
     ON CONFLICT (chat_id, media_group_id) DO UPDATE SET locale = EXCLUDED.locale`,
    [part.chatId, part.mediaGroupId, part.userId, part.locale],
  );
  const { rowCount } = await tx.query(
    `INSERT INTO album_parts (chat_id, media_group_id, message_id, caption, photo, origin)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [part.chatId, part.mediaGroupId, part.messageId, part.caption, part.photo ?? null, part.origin],
  );
  if (rowCount !== 1) return false;
  await tx.query(
    `UPDATE albums SET parts = parts + 1, last_part_at = now()
     WHERE chat_id = $1 AND media_group_id = $2`,
    [part.chatId, part.mediaGroupId],
  );
  return true;
}

interface AlbumRow {
  chat_id: string;
  media_group_id: string;
  user_id: string;
  locale: string;
  note_id: string | null;
  parts: number;
  parts_in_note: number;
  reply_message_id: string | null;
}

/** The note an album makes: its parts' captions in message order, their photos, the first part's origin. */
async function buildOf(tx: pg.PoolClient | Db, chatId: string, mediaGroupId: string) {
  const { rows } = await tx.query<{ caption: string; photo: string | null; origin: NoteOrigin | null }>(
    `SELECT caption, photo, origin FROM album_parts WHERE chat_id = $1 AND media_group_id = $2
     ORDER BY message_id`,
    [chatId, mediaGroupId],
  );
  const { text, cut } = noteText(rows.map((r) => r.caption));
  const photos = rows.flatMap((r) => (r.photo === null ? [] : [r.photo]));
  return {
    text,
    cut,
    photos,
    origin: rows.find((r) => r.origin !== null)?.origin ?? null,
    parts: rows.length,
  };
}

export function createAlbumFlusher(deps: {
  db: Db;
  notes: NotesRepository;
  api: Api;
  localizer: Localizer;
  logger: Logger;
  quietMs?: number;
  intervalMs?: number;
}) {
  const { db, notes, api, localizer, logger } = deps;
  const quietMs = deps.quietMs ?? ALBUM_FLUSH.quietMs;
  const intervalMs = deps.intervalMs ?? ALBUM_FLUSH.intervalMs;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  /** Builds (or rebuilds) the note of one quiet album and tells its chat; false when none is waiting. */
  async function flushOne(): Promise<boolean> {
    const built = await inTransaction(db, async (tx) => {
      const { rows } = await tx.query<AlbumRow>(
        `SELECT chat_id, media_group_id, user_id, locale, note_id, parts, parts_in_note, reply_message_id
         FROM albums
         WHERE (parts <> parts_in_note OR NOT replied) AND last_part_at < now() - make_interval(secs => $1)
         ORDER BY last_part_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [quietMs / 1000],
      );
      const album = rows[0];
      if (album === undefined) return "none" as const;
      let noteId = album.note_id;
      if (album.parts !== album.parts_in_note) {
        const note = await buildOf(tx, album.chat_id, album.media_group_id);
        if (note.text === "" && note.photos.length === 0) {
          // Nothing to keep (parts without captions or photos): marked done, nothing said.
          await markBuilt(tx, album, noteId, album.parts, true);
          return "settled" as const;
        }
        const [userId, chatId] = [Number(album.user_id), Number(album.chat_id)];
        if (noteId === null) {
          noteId = (await notes.add(userId, chatId, note.text, tx, note)).id;
        } else {
          if (!(await notes.recapture(userId, noteId, note.text, note, tx))) {
            // The note was undone: a late part makes no new one.
            await markBuilt(tx, album, noteId, album.parts, true);
            return "settled" as const;
          }
        }
        await markBuilt(tx, album, noteId, album.parts, false);
      }
      return { album, noteId: noteId as string };
    });
    // Nothing waiting (or only albums another gateway is building): done until the next tick.
    if (built === "none") return false;
    if (built !== "settled") await tell(built.album, built.noteId);
    return true;
  }

  async function markBuilt(
    tx: pg.PoolClient,
    album: AlbumRow,
    noteId: string | null,
    parts: number,
    replied: boolean,
  ): Promise<void> {
    await tx.query(
      `UPDATE albums SET note_id = $3, parts_in_note = $4, replied = $5
       WHERE chat_id = $1 AND media_group_id = $2`,
      [album.chat_id, album.media_group_id, noteId, parts, replied],
    );
  }

  /** Sends the reply (or edits the one sent for fewer parts), then marks the build told. */
  async function tell(album: AlbumRow, noteId: string): Promise<void> {
    const texts = localizer.of(isLocale(album.locale) ? album.locale : "ru");
    const note = await buildOf(db, album.chat_id, album.media_group_id);
    const text = texts.capture.albumSaved(
      noteId,
      note.origin?.name ?? "?",
      note.parts,
      note.photos.length,
      note.cut,
    );
    const reply_markup = {
      inline_keyboard: [[{ text: texts.capture.undoButton, callback_data: undoData(noteId) }]],
    };
    let messageId = album.reply_message_id === null ? undefined : Number(album.reply_message_id);
    if (messageId === undefined) {
      try {
        messageId = (await api.sendMessage(Number(album.chat_id), text, { reply_markup })).message_id;
      } catch (error) {
        // Refused for good (the user blocked the bot, the chat is gone): the note stays, untold.
        if (!(error instanceof GrammyError && (error.error_code === 400 || error.error_code === 403)))
          throw error;
        logger.warn({ noteId, code: error.error_code }, "an album's reply was refused; not sent again");
      }
    } else {
      await api
        .editMessageText(Number(album.chat_id), messageId, text, { reply_markup })
        .catch((error: unknown) => logger.warn({ err: error, noteId }, "could not edit an album's reply"));
    }
    await db.query(
      `UPDATE albums SET replied = true, reply_message_id = $3
       WHERE chat_id = $1 AND media_group_id = $2 AND parts_in_note = $4`,
      [album.chat_id, album.media_group_id, messageId ?? null, note.parts],
    );
  }

  let ticks = 0;
  async function flush(): Promise<void> {
    try {
      while (await flushOne()) {}
      if (ticks++ % ALBUM_FLUSH.purgeEveryTicks === 0) {
        await db.query(
          `DELETE FROM albums WHERE last_part_at < now() - make_interval(secs => $1)
             AND parts = parts_in_note AND replied`,
          [ALBUM_FLUSH.keepMs / 1000],
        );
      }
    } catch (error) {
      logger.warn({ err: error }, "album flush failed; tried again at the next tick");
    }
  }

  return {
    start(): void {
      const tick = () => {
        running = flush().finally(() => {
          running = undefined;
          if (timer !== undefined) timer = setTimeout(tick, intervalMs);
        });
      };
      timer = setTimeout(tick, intervalMs);
    },
    async stop(): Promise<void> {
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
    /** Makes the notes of every album quiet by now (tests; the timer does the same). */
    flush,
  };
}

export type AlbumFlusher = ReturnType<typeof createAlbumFlusher>;
