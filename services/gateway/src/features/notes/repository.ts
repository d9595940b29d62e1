import type { Db, Queryable } from "@notesbot/shared/db";
import type { NoteOrigin, NoteView } from "@notesbot/shared/domain";
import { addNoteOnce } from "@notesbot/shared/notes";
import type { OnceStatement } from "../../intake/inbox.js";
import { likePattern } from "../arguments.js";

export interface DayCount {
  day: string;
  count: number;
}

/** Where a reading of a user's notes in creation order stopped. */
export interface NoteKey {
  createdAt: string;
  id: string;
}

export interface KeyedNote {
  note: NoteView;
  key: NoteKey;
}

interface NoteRow {
  id: string;
  text: string;
  created_at: Date;
  origin: NoteOrigin | null;
  photos: string[];
}

/** The columns every reading of whole notes selects (`NoteRow`). */
const NOTE_COLUMNS = "id, text, created_at, origin, photos";

const toNote = (row: NoteRow): NoteView => ({
  id: row.id,
  text: row.text,
  createdAt: row.created_at,
  origin: row.origin,
  photos: row.photos,
});

/** What a forward adds to a note's text: where it came from and its photos. */
export interface Captured {
  origin?: NoteOrigin | null;
  photos?: readonly string[];
}

/** A note read from an import file: its text, and what a JSON export of this bot kept of it. */
export interface ImportedNote {
  text: string;
  createdAt?: Date | undefined;
  origin?: NoteOrigin | undefined;
}

/**
 * Every query is scoped by user_id: another user's note behaves exactly like a missing one. The
 * commands' adding, editing and deleting are statements run once per update (`ctx.onceStatement`, the
 * `…Statement` builders); the other changes run on the transaction they are given (`ctx.once`).
 */
export function createNotesRepository(db: Db) {
  return {
    /** The statement adding a typed note, run once per update (see OnceStatement): its outcome is the new note's id. */
    addStatement: (userId: number, chatId: number, text: string): OnceStatement => ({
      name: "note-add",
      text: "INSERT INTO notes (user_id, chat_id, text) SELECT $1, $2, $3 FROM todo RETURNING id::text AS value",
      values: [userId, chatId, text],
    }),

    async add(
      userId: number,
      chatId: number,
      text: string,
      tx: Queryable = db,
      captured: Captured = {},
    ): Promise<NoteView> {
      const { rows } = await tx.query<NoteRow>(
        `INSERT INTO notes (user_id, chat_id, text, origin, photos) VALUES ($1, $2, $3, $4, $5)
         RETURNING ${NOTE_COLUMNS}`,
        [userId, chatId, text, captured.origin ?? null, captured.photos ?? []],
      );
      return toNote(rows[0] as NoteRow);
    },

    /**
     * Adds the imported notes the user does not have yet (the same text exactly, among their notes or
     * earlier in the file), in one statement on `tx`; resolves with how many were added. Imports of one
     * user are serialised by a lock held to the end of `tx`, so two imports of one file add it once.
     */
    async addImported(
      userId: number,
      chatId: number,
      notes: readonly ImportedNote[],
      tx: Queryable,
    ): Promise<number> {
      await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('notes-import:' || $1::text, 0))", [
        userId,
      ]);
      const items = notes.map((n, ord) => ({
        ord,
        text: n.text,
        created_at: n.createdAt?.toISOString() ?? null,
        origin: n.origin ?? null,
      }));
      const { rowCount } = await tx.query(
        `INSERT INTO notes (user_id, chat_id, text, created_at, updated_at, origin)
         SELECT $1, $2, i.text, coalesce(i.created_at, now()), now(), i.origin
         FROM (SELECT DISTINCT ON (md5(text)) * FROM jsonb_to_recordset($3::jsonb)
                 AS r(ord int, text text, created_at timestamptz, origin jsonb)
               ORDER BY md5(text), ord) AS i
         WHERE NOT EXISTS (SELECT 1 FROM notes n WHERE n.user_id = $1 AND md5(n.text) = md5(i.text))
         ORDER BY i.ord`,
        [userId, chatId, JSON.stringify(items)],
      );
      return rowCount ?? 0;
    },

    /** Stores the note saved from the answer of ask `jobId`, once (see addNoteOnce). */
    addSaved(
      userId: number,
      chatId: number,
      jobId: string,
      text: string,
      tx: Queryable = db,
    ): Promise<string> {
      return addNoteOnce(tx, { userId, chatId, savedFrom: jobId, text });
    },

    /** The user's newest notes, skipping the `offset` newest. */
    async newest(userId: number, limit: number, offset = 0): Promise<NoteView[]> {
      const { rows } = await db.query<NoteRow>(
        `SELECT ${NOTE_COLUMNS} FROM notes WHERE user_id = $1
         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
        [userId, limit, offset],
      );
      return rows.map(toNote);
    },

    /**
     * The user's notes containing `query` (case-insensitive, `%` and `_` literal), newest first, skipping
     * the `offset` newest; `total` counts them all. /note_find and the inline search (which needs no
     * total: counting every match of a frequent word would read them all, where a page stops early).
     */
    async find(
      userId: number,
      query: string,
      limit: number,
      { offset = 0, total = true }: { offset?: number; total?: boolean } = {},
    ): Promise<{ notes: NoteView[]; total: number }> {
      const { rows } = await db.query<NoteRow & { total?: string }>(
        `SELECT ${NOTE_COLUMNS}${total ? ", count(*) OVER () AS total" : ""} FROM notes
         WHERE user_id = $1 AND text ILIKE $2
         ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`,
        [userId, likePattern(query), limit, offset],
      );
      return { notes: rows.map(toNote), total: total ? Number(rows[0]?.total ?? 0) : rows.length };
    },

    /** The statement changing a note's text, run once per update: true, or null when there is no such note. */
    editStatement: (userId: number, id: string, text: string): OnceStatement => ({
      name: "note-edit",
      text: `UPDATE notes SET text = $3, updated_at = now()
             WHERE id = $2 AND user_id = $1 AND EXISTS (SELECT FROM todo) RETURNING true AS value`,
      values: [userId, id, text],
    }),

    /** The statement deleting a note, run once per update: true, or null when there is no such note. */
    removeStatement: (userId: number, id: string): OnceStatement => ({
      name: "note-remove",
      text: "DELETE FROM notes WHERE id = $2 AND user_id = $1 AND EXISTS (SELECT FROM todo) RETURNING true AS value",
      values: [userId, id],
    }),

    /** Replaces a captured note's text, photos and origin (an album rebuilt with a late part); false when gone. */
    async recapture(
      userId: number,
      id: string,
      text: string,
      captured: Captured,
      tx: Queryable = db,
    ): Promise<boolean> {
      const { rowCount } = await tx.query(
        `UPDATE notes SET text = $3, photos = $4, origin = $5, updated_at = now()
         WHERE id = $2 AND user_id = $1`,
        [userId, id, text, captured.photos ?? [], captured.origin ?? null],
      );
      return rowCount === 1;
    },

    async remove(userId: number, id: string, tx: Queryable = db): Promise<boolean> {
      const { rowCount } = await tx.query("DELETE FROM notes WHERE id = $2 AND user_id = $1", [userId, id]);
      return rowCount === 1;
    },

    /** Kept by triggers on notes (migrations/1764050000080_note_counts.sql): one row, not a count. */
    async count(userId: number): Promise<number> {
      const { rows } = await db.query<{ notes: number }>("SELECT notes FROM note_counts WHERE user_id = $1", [
        userId,
      ]);
      return rows[0]?.notes ?? 0;
    },

    /**
     * The user's notes oldest first, `limit` at a time, after `after` (a keyset cursor; none = from the start).
     * The cursor keeps PostgreSQL's own text of `created_at`: a JavaScript Date would drop its microseconds.
     */
    async page(userId: number, after: NoteKey | undefined, limit: number): Promise<KeyedNote[]> {
      const { rows } = await db.query<NoteRow & { created_at_key: string }>(
        `SELECT ${NOTE_COLUMNS}, created_at::text AS created_at_key FROM notes
         WHERE user_id = $1 ${after ? "AND (created_at, id) > ($3::timestamptz, $4::bigint)" : ""}
         ORDER BY created_at, id LIMIT $2`,
        after ? [userId, limit, after.createdAt, after.id] : [userId, limit],
      );
      return rows.map((row) => ({ note: toNote(row), key: { createdAt: row.created_at_key, id: row.id } }));
    },

    /**
     * The notes of the last `days` days for a digest: the newest that fit `budgetChars` (older ones are
     * dropped first), and how many the period has in all.
     */
    async forDigest(
      userId: number,
      days: number,
      budgetChars: number,
    ): Promise<{ notes: NoteView[]; total: number }> {
      const { rows } = await db.query<NoteRow & { total: string; used: string }>(
        `SELECT ${NOTE_COLUMNS}, total, used FROM (
           SELECT ${NOTE_COLUMNS}, count(*) OVER () AS total,
                  sum(char_length(text)) OVER (ORDER BY created_at DESC, id DESC) AS used
           FROM notes WHERE user_id = $1 AND created_at >= now() - make_interval(days => $2)
         ) AS period
         WHERE used <= $3 OR used = char_length(text)
         ORDER BY created_at DESC, id DESC`,
        [userId, days, budgetChars],
      );
      // The newest note is always taken (a note is far shorter than the budget), so no rows means none.
      return { notes: rows.map(toNote), total: Number(rows[0]?.total ?? 0) };
    },

    /**
     * Notes added per UTC day over the last `days` days, today included, zero days included, oldest first.
     * Every conversion names UTC, so the result does not depend on the session's TimeZone; the user's notes
     * in the range are counted once (one index range scan), then joined to the list of days.
     */
    async perDay(userId: number, days: number): Promise<DayCount[]> {
      const { rows } = await db.query<{ day: string; count: string }>(
        `WITH bounds AS (SELECT (now() AT TIME ZONE 'UTC')::date AS today),
         counts AS (
           SELECT (n.created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS count
           FROM notes n, bounds
           WHERE n.user_id = $1
             AND n.created_at >= (bounds.today - ($2::int - 1))::timestamp AT TIME ZONE 'UTC'
           GROUP BY 1)
         SELECT to_char(bounds.today - i, 'YYYY-MM-DD') AS day, coalesce(counts.count, 0) AS count
         FROM bounds
         CROSS JOIN generate_series($2::int - 1, 0, -1) AS i
         LEFT JOIN counts ON counts.day = bounds.today - i
         ORDER BY i DESC`,
        [userId, days],
      );
      return rows.map((r) => ({ day: r.day, count: Number(r.count) }));
    },
  };
}

export type NotesRepository = ReturnType<typeof createNotesRepository>;
