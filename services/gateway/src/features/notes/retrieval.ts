/**
 * Finds the notes of one user that are relevant to a question, for `/ask_notes`: full-text search
 * (Russian and English stemming, any of the question's words, ranked by cover density) joined with the
 * trigram index for partial and short words, then the best notes that fit a character budget.
 */
import type { Db } from "@notesbot/shared/db";
import type { NoteView } from "@notesbot/shared/texts";

/** Characters of note text sent with one question: room for several notes and the model's answer. */
export const NOTES_CONTEXT_CHARS = 6000;
/** Notes sent with one question at most, however short. */
export const NOTES_CONTEXT_MAX = 10;
/** A frequent word matches many notes: only this many of the newest matches are ranked. */
const RANKED_MATCHES_MAX = 1000;
/** Question words probed with trigrams (long questions are mostly small words). */
const TRIGRAM_WORDS_MAX = 8;

export interface RetrievalOptions {
  budgetChars?: number;
  maxNotes?: number;
}

/** Every query is scoped by the user id of the update: another user's notes are never read. */
export function createNotesRetrieval(db: Db) {
  return {
    /** The user's notes most relevant to `question`, best first, within the budget; [] when none is. */
    async relevant(userId: number, question: string, options: RetrievalOptions = {}): Promise<NoteView[]> {
      const budget = options.budgetChars ?? NOTES_CONTEXT_CHARS;
      const maxNotes = options.maxNotes ?? NOTES_CONTEXT_MAX;
      const words = questionWords(question);
      if (words.length === 0) return [];
      const { rows } = await db.query<{ id: string; text: string; created_at: Date }>(
        `WITH query AS (SELECT websearch_to_tsquery('russian', $2) AS tsq),
         full_text AS (
           SELECT recent.id, ts_rank_cd(recent.search, query.tsq, 1) AS score
           FROM query, LATERAL (
             SELECT id, search FROM notes
             WHERE user_id = $1 AND search @@ query.tsq
             ORDER BY created_at DESC LIMIT ${RANKED_MATCHES_MAX}
           ) AS recent),
         trigram AS (
           SELECT matched.id, max(matched.score) AS score
           FROM unnest($3::text[]) AS probe(word), LATERAL (
             SELECT id, word_similarity(probe.word, text) AS score FROM notes
             WHERE user_id = $1 AND text %> probe.word
             ORDER BY created_at DESC LIMIT ${RANKED_MATCHES_MAX}
           ) AS matched
           -- Stop words ("когда", "which") would find every note: only words the search keeps are probed.
           WHERE to_tsvector('russian', probe.word) <> ''::tsvector
           GROUP BY matched.id),
         scored AS (
           SELECT coalesce(f.id, t.id) AS id, coalesce(f.score, 0) + coalesce(t.score, 0) / 10 AS score
           FROM full_text f FULL JOIN trigram t ON t.id = f.id)
         SELECT n.id, n.text, n.created_at
         FROM scored JOIN notes n ON n.id = scored.id AND n.user_id = $1
         ORDER BY scored.score DESC, n.created_at DESC, n.id DESC
         LIMIT $4`,
        [userId, words.join(" or "), trigramProbes(words), maxNotes * 5],
      );
      const chosen: NoteView[] = [];
      let used = 0;
      for (const row of rows) {
        if (chosen.length === maxNotes) break;
        if (used + row.text.length > budget) continue;
        chosen.push({ id: row.id, text: row.text, createdAt: row.created_at });
        used += row.text.length;
      }
      return chosen;
    },
  };
}

/**
 * The question's words, lowercased: letters and digits only, so quotes, `%`, `-` (websearch's NOT) and
 * SQL in a question are plain text. Joined with "or", websearch_to_tsquery stems them and drops stop words.
 */
function questionWords(question: string): string[] {
  return [...new Set(question.toLowerCase().split(/[^\p{L}\p{N}]+/u))].filter(
    (word) => word !== "" && word !== "or",
  );
}

/** The longest words are the likeliest to carry meaning; words shorter than a trigram find too much. */
function trigramProbes(words: readonly string[]): string[] {
  return words
    .filter((word) => word.length >= 4)
    .sort((a, b) => b.length - a.length)
    .slice(0, TRIGRAM_WORDS_MAX);
}

export type NotesRetrieval = ReturnType<typeof createNotesRetrieval>;
