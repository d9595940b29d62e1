/**
 * Finds the notes of one user that are relevant to a question, for `/ask_notes`: full-text search
 * (Russian and English stemming, any of the question's words, ranked by cover density) joined with the
 * trigram index for partial and short words, then the best notes that fit a character budget.
 */
import { type Db, inTransaction } from "@notesbot/shared/db";
import type { NoteView } from "@notesbot/shared/domain";

/** Characters of note text sent with one question: room for several notes and the model's answer. */
export const NOTES_CONTEXT_CHARS = 6000;
/** Notes sent with one question at most, however short. */
export const NOTES_CONTEXT_MAX = 10;
/** The newest notes of the user that are read whole for matches. */
const NEWEST_READ = 400;
/** Full-text matches read from the index anywhere in the user's notes (in no particular order). */
const ANYWHERE_READ = 200;
/** Question words probed with trigrams (long questions are mostly small words). */
const TRIGRAM_WORDS_MAX = 4;

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
      const probes = trigramProbes(words);
      // $1 the user, $2 the question's words, $3.. the trigram probes, each a parameter of its own so the
      // planner folds the stop-word test away.
      const probeParams = probes.map((_, i) => `$${i + 3}`);
      const asked = "websearch_to_tsquery('russian', $2)";
      const similarity =
        probes.length > 0
          ? `greatest(${probeParams.map((p) => `word_similarity(${p}, n.text)`).join(", ")})`
          : "0";
      const trigramMatch = probeParams
        // Stop words ("когда", "which") would find every note: only words the search keeps probe.
        .map((p) => `OR (n.text %> ${p} AND to_tsvector('russian', ${p}) <> ''::tsvector)`)
        .join(" ");
      // Candidates come from two bounded readings: the user's newest notes, read whole (a frequent word is
      // best judged there, trigrams included); and full-text matches anywhere, read through the GIN index
      // with the owner's lexeme. Sequential scans are off for this statement alone: for a word frequent in
      // the table but absent from this user's notes, the planner would otherwise read the whole table.
      const rows = await inTransaction(db, async (client) => {
        await client.query("SET LOCAL enable_seqscan = off");
        const result = await client.query<{ id: string; text: string; created_at: Date }>(
          `WITH newest AS (
           SELECT n.id FROM (SELECT id, text, search FROM notes WHERE user_id = $1
                             ORDER BY created_at DESC LIMIT ${NEWEST_READ}) AS n
           WHERE n.search @@ ${asked} ${trigramMatch}),
         anywhere AS (
           SELECT id FROM notes
           -- An empty question (stop words only) would leave just the owner: it matches nothing.
           WHERE numnode(${asked}) > 0 AND search @@ (${asked} && format('%L', '~user' || $1::text)::tsquery)
           LIMIT ${ANYWHERE_READ})
         SELECT n.id, n.text, n.created_at
         FROM (SELECT id FROM newest UNION SELECT id FROM anywhere) AS c
         JOIN notes n ON n.id = c.id AND n.user_id = $1
         ORDER BY ts_rank_cd(n.search, ${asked}, 1) + ${similarity} / 10 DESC, n.created_at DESC, n.id DESC
         LIMIT ${maxNotes * 5}`,
          [userId, words.join(" or "), ...probes],
        );
        return result.rows;
      });
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
