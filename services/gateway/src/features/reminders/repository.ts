/**
 * The reminders' SQL on the gateway's side: setting one (from a text or a note, within the per-user
 * limit), the pending list, and the user's moves on one (cancel, done, snooze). Every statement names
 * the user, so another user's reminder behaves as one that does not exist.
 */
import type { Db, Queryable } from "@notesbot/shared/db";
import { type Locale, REMINDERS_PENDING_MAX } from "@notesbot/shared/domain";

export interface NewReminder {
  userId: number;
  chatId: number;
  threadId: number | undefined;
  locale: Locale;
  dueAt: Date;
}

export interface PendingReminder {
  id: string;
  text: string;
  dueAt: Date;
}

/** What a move on a reminder found: the row moved (its version now), or why not. */
export type Moved = { ok: true; version: number } | { ok: false; error: "missing" | "closed" };

export function createRemindersRepository(db: Db) {
  /** A new reminder's id, or "too_many"; `text` given, or the note `noteId`'s (undefined: no such note of the user). */
  const insert = async (
    tx: Queryable,
    reminder: NewReminder,
    source: { text: string } | { noteId: string },
  ): Promise<{ id: string } | "too_many" | undefined> => {
    // The user's row of user_settings is locked first, so two reminders at once count each other.
    await tx.query(
      `INSERT INTO user_settings (user_id) VALUES ($1) ON CONFLICT (user_id) DO UPDATE SET user_id = EXCLUDED.user_id`,
      [reminder.userId],
    );
    const { rows: counted } = await tx.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM reminders WHERE user_id = $1 AND state = 'pending'",
      [reminder.userId],
    );
    if ((counted[0]?.n ?? 0) >= REMINDERS_PENDING_MAX) return "too_many";
    const values = [
      reminder.userId,
      reminder.chatId,
      reminder.threadId ?? null,
      reminder.locale,
      reminder.dueAt,
    ];
    const { rows } =
      "text" in source
        ? await tx.query<{ id: string }>(
            `INSERT INTO reminders (user_id, chat_id, thread_id, locale, due_at, text)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
            [...values, source.text],
          )
        : await tx.query<{ id: string }>(
            `INSERT INTO reminders (user_id, chat_id, thread_id, locale, due_at, text)
             SELECT $1, $2, $3, $4, $5, text FROM notes WHERE id = $6 AND user_id = $1 RETURNING id`,
            [...values, source.noteId],
          );
    return rows[0] && { id: rows[0].id };
  };

  /** "closed" when the user has the reminder in another state than `from`, else "missing". */
  const whyNot = async (tx: Queryable, userId: number, id: string): Promise<Moved> => {
    const { rowCount } = await tx.query("SELECT 1 FROM reminders WHERE id = $1 AND user_id = $2", [
      id,
      userId,
    ]);
    return { ok: false, error: rowCount === 1 ? "closed" : "missing" };
  };

  const move = async (tx: Queryable, userId: number, id: string, sql: string, extra: unknown[] = []) => {
    const { rows } = await tx.query<{ version: number }>(sql, [id, userId, ...extra]);
    const row = rows[0];
    return row ? ({ ok: true, version: row.version } as const) : whyNot(tx, userId, id);
  };

  return {
    /** Sets a reminder of `text`. */
    add: (tx: Queryable, reminder: NewReminder, text: string) => insert(tx, reminder, { text }),
    /** Sets a reminder of the user's note `noteId` (undefined: the user has no such note). */
    addOfNote: (tx: Queryable, reminder: NewReminder, noteId: string) => insert(tx, reminder, { noteId }),

    /** The user's pending reminders, soonest first. */
    async pending(userId: number): Promise<PendingReminder[]> {
      const { rows } = await db.query<{ id: string; text: string; due_at: Date }>(
        `SELECT id, text, due_at FROM reminders WHERE user_id = $1 AND state = 'pending'
         ORDER BY due_at, id LIMIT $2`,
        [userId, REMINDERS_PENDING_MAX],
      );
      return rows.map((r) => ({ id: r.id, text: r.text, dueAt: r.due_at }));
    },

    /** Cancels a new reminder whose job the queue refused (it never was scheduled). */
    async withdraw(userId: number, id: string): Promise<void> {
      await db.query(
        `UPDATE reminders SET state = 'cancelled', updated_at = now()
         WHERE id = $1 AND user_id = $2 AND state = 'pending' AND version = 1`,
        [id, userId],
      );
    },

    /** Puts a snoozed reminder back as fired when the queue refused its next job. */
    async unsnooze(userId: number, id: string, version: number): Promise<void> {
      await db.query(
        `UPDATE reminders SET state = 'fired', updated_at = now()
         WHERE id = $1 AND user_id = $2 AND state = 'pending' AND version = $3`,
        [id, userId, version],
      );
    },

    /** Cancels a pending reminder; its version names the job to remove. */
    cancel: (tx: Queryable, userId: number, id: string) =>
      move(
        tx,
        userId,
        id,
        `UPDATE reminders SET state = 'cancelled', updated_at = now()
         WHERE id = $1 AND user_id = $2 AND state = 'pending' RETURNING version`,
      ),

    /** Closes a fired reminder (its ✅ button). */
    done: (tx: Queryable, userId: number, id: string) =>
      move(
        tx,
        userId,
        id,
        `UPDATE reminders SET state = 'done', updated_at = now()
         WHERE id = $1 AND user_id = $2 AND state = 'fired' RETURNING version`,
      ),

    /** Schedules a fired reminder again at `dueAt` (its 💤 button): pending at the next version. */
    snooze: (tx: Queryable, userId: number, id: string, dueAt: Date) =>
      move(
        tx,
        userId,
        id,
        `UPDATE reminders SET state = 'pending', due_at = $3, version = version + 1, fired_at = NULL,
           message_id = NULL, updated_at = now()
         WHERE id = $1 AND user_id = $2 AND state = 'fired' RETURNING version`,
        [dueAt],
      ),
  };
}

export type RemindersRepository = ReturnType<typeof createRemindersRepository>;
