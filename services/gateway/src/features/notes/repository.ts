import type { Db, Queryable } from "@notesbot/shared/db";
import type { NoteView } from "@notesbot/shared/domain";
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
}

const toNote = (row: NoteRow): NoteView => ({ id: row.id, text: row.text, createdAt: row.created_at });

/**
 * Every query is scoped by user_id: another user's note behaves exactly like a missing one. Adding,
 * editing and deleting are statements run once per update (`ctx.onceStatement`); a saved answer runs
 * on the transaction it is given (`ctx.once`).
 */
export function createNotesRepository(db: Db) {
  return {
    /** Adds a note, once per update (see OnceStatement): its outcome is the new note's id. */
    add: (userId: number, chatId: number, text: string): OnceStatement => ({
      name: "note-add",
      text: "INSERT INTO notes (user_id, chat_id, text) SELECT $1, $2, $3 FROM todo RETURNING id::text AS value",
      values: [userId, chatId, text],
    }),

    /**
     * Stores the note saved from the answer of ask `jobId`, once: saving it again returns the same note's
     * id, also when another press stored it at the same moment (its row, committed while this statement
     * waited on it, is outside this statement's snapshot: a second statement reads it).
     */
    async addSaved(
      userId: number,
      chatId: number,
      jobId: string,
      text: string,
      tx: Queryable = db,
    ): Promise<string> {
      const { rows } = await tx.query<{ id: string }>(
        `WITH added AS (
           INSERT INTO notes (user_id, chat_id, text, saved_from) VALUES ($1, $2, $3, $4)
           ON CONFLICT (user_id, saved_from) WHERE saved_from IS NOT NULL DO NOTHING
           RETURNING id)
         SELECT id FROM added
         UNION ALL SELECT id FROM notes WHERE user_id = $1 AND saved_from = $4
         LIMIT 1`,
        [userId, chatId, text, jobId],
      );
      if (rows[0] !== undefined) return rows[0].id;
      const stored = await tx.query<{ id: string }>(
        "SELECT id FROM notes WHERE user_id = $1 AND saved_from = $2",
        [userId, jobId],
      );
      return stored.rows[0]?.id as string;
    },

    async newest(userId: number, limit: number): Promise<NoteView[]> {
      const { rows } = await db.query<NoteRow>(
        `SELECT id, text, created_at FROM notes WHERE user_id = $1
         ORDER BY created_at DESC, id DESC LIMIT $2`,
        [userId, limit],
      );
      return rows.map(toNote);
    },

    async find(userId: number, query: string, limit: number): Promise<{ notes: NoteView[]; total: number }> {
      const { rows } = await db.query<NoteRow & { total: string }>(
        `SELECT id, text, created_at, count(*) OVER () AS total FROM notes
         WHERE user_id = $1 AND text ILIKE $2
         ORDER BY created_at DESC, id DESC LIMIT $3`,
        [userId, likePattern(query), limit],
      );
      return { notes: rows.map(toNote), total: Number(rows[0]?.total ?? 0) };
    },

    /** Changes a note's text, once per update: its outcome is true, or null when there is no such note. */
    edit: (userId: number, id: string, text: string): OnceStatement => ({
      name: "note-edit",
      text: `UPDATE notes SET text = $3, updated_at = now()
             WHERE id = $2 AND user_id = $1 AND EXISTS (SELECT FROM todo) RETURNING true AS value`,
      values: [userId, id, text],
    }),

    /** Deletes a note, once per update: its outcome is true, or null when there is no such note. */
    remove: (userId: number, id: string): OnceStatement => ({
      name: "note-remove",
      text: "DELETE FROM notes WHERE id = $2 AND user_id = $1 AND EXISTS (SELECT FROM todo) RETURNING true AS value",
      values: [userId, id],
    }),

    async count(userId: number): Promise<number> {
      const { rows } = await db.query<{ count: string }>("SELECT count(*) FROM notes WHERE user_id = $1", [
        userId,
      ]);
      return Number(rows[0]?.count ?? 0);
    },

    /**
     * The user's notes oldest first, `limit` at a time, after `after` (a keyset cursor; none = from the start).
     * The cursor keeps PostgreSQL's own text of `created_at`: a JavaScript Date would drop its microseconds.
     */
    async page(userId: number, after: NoteKey | undefined, limit: number): Promise<KeyedNote[]> {
      const { rows } = await db.query<NoteRow & { created_at_key: string }>(
        `SELECT id, text, created_at, created_at::text AS created_at_key FROM notes
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
        `SELECT id, text, created_at, total, used FROM (
           SELECT id, text, created_at, count(*) OVER () AS total,
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
