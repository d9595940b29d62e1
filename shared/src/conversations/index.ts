import type { Db, Queryable } from "../db/index.js";

export interface Turn {
  role: "user" | "assistant";
  content: string;
}

export interface MemoryOptions {
  /** Characters of past turns sent with a question; 0 turns memory off. */
  charBudget: number;
  /** A conversation idle this long is forgotten. */
  idleMs: number;
}

/** Turns kept per chat; older ones are deleted as new ones arrive. */
const KEPT_TURNS = 100;

/** Each chat's recent turns with the model, in PostgreSQL so they survive restarts. */
export function createConversationStore(db: Db, options: MemoryOptions) {
  return {
    /** The chat's recent turns, oldest first, whole question–answer pairs within the budget. */
    async recent(chatId: number): Promise<Turn[]> {
      if (options.charBudget === 0) return [];
      const { rows } = await db.query<Turn & { idle: boolean }>(
        `SELECT role, content, max(created_at) OVER () < now() - make_interval(secs => $2 / 1000.0) AS idle
         FROM conversation_turns WHERE chat_id = $1 ORDER BY id DESC LIMIT $3`,
        [chatId, options.idleMs, KEPT_TURNS],
      );
      if (rows[0]?.idle) return [];
      const kept: Turn[] = [];
      let used = 0;
      // Newest first, a pair at a time (answer, then its question), so no question loses its answer.
      for (let i = 0; i + 1 < rows.length; i++) {
        const [answer, question] = [rows[i] as Turn, rows[i + 1] as Turn];
        if (answer.role !== "assistant" || question.role !== "user") continue; // interleaved writes
        used += answer.content.length + question.content.length;
        if (used > options.charBudget) break;
        kept.push(
          { role: answer.role, content: answer.content },
          { role: question.role, content: question.content },
        );
        i++;
      }
      return kept.reverse();
    },

    /**
     * Adds a question–answer pair. With `jobId` it is added once, however often the job runs (a job
     * re-run after a crash or a retry remembers its turn once).
     */
    async append(chatId: number, question: string, answer: string, jobId?: string): Promise<void> {
      if (options.charBudget === 0) return;
      await db.query(
        `WITH added AS (
           INSERT INTO conversation_turns (chat_id, role, content, job_id)
           VALUES ($1, 'user', $2, $5), ($1, 'assistant', $3, $5)
           ON CONFLICT (job_id, role) WHERE job_id IS NOT NULL DO NOTHING
         )
         DELETE FROM conversation_turns WHERE chat_id = $1 AND id <= (
           SELECT id FROM conversation_turns WHERE chat_id = $1 ORDER BY id DESC OFFSET $4 LIMIT 1
         )`,
        [chatId, question, answer, KEPT_TURNS, jobId ?? null],
      );
    },

    /** The chat's last question to the model (for /retry), however long ago; undefined after /reset. */
    async lastQuestion(chatId: number): Promise<string | undefined> {
      const { rows } = await db.query<{ content: string }>(
        "SELECT content FROM conversation_turns WHERE chat_id = $1 AND role = 'user' ORDER BY id DESC LIMIT 1",
        [chatId],
      );
      return rows[0]?.content;
    },

    /** Forgets the chat's conversation (in the caller's transaction when given one); returns how many turns were dropped. */
    async reset(chatId: number, client: Queryable = db): Promise<number> {
      const { rowCount } = await client.query("DELETE FROM conversation_turns WHERE chat_id = $1", [chatId]);
      return rowCount ?? 0;
    },
  };
}

export type ConversationStore = ReturnType<typeof createConversationStore>;
