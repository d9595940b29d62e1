/**
 * A note stored once per ask it was saved from (`saved_from`, the ask's job id), by whichever service
 * makes it: the gateway's save button under an answer and the worker's transcript of a voice message
 * `/note_add`ed as a reply. Storing it again — a second press, a job run again — returns the
 * same note's id, also when another statement stored it at the same moment (its row, committed while
 * this statement waited on it, is outside this statement's snapshot: a second statement reads it).
 */
import type { Queryable } from "../db/index.js";

export async function addNoteOnce(
  db: Queryable,
  note: { userId: number; chatId: number; savedFrom: string; text: string },
): Promise<string> {
  const { userId, chatId, savedFrom, text } = note;
  const { rows } = await db.query<{ id: string }>(
    `WITH added AS (
       INSERT INTO notes (user_id, chat_id, text, saved_from) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, saved_from) WHERE saved_from IS NOT NULL DO NOTHING
       RETURNING id)
     SELECT id FROM added
     UNION ALL SELECT id FROM notes WHERE user_id = $1 AND saved_from = $4
     LIMIT 1`,
    [userId, chatId, text, savedFrom],
  );
  if (rows[0] !== undefined) return rows[0].id;
  const stored = await db.query<{ id: string }>(
    "SELECT id FROM notes WHERE user_id = $1 AND saved_from = $2",
    [userId, savedFrom],
  );
  return stored.rows[0]?.id as string;
}
