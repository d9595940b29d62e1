import { batched, type Db, isRefusedData, type Queryable } from "../db/index.js";

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

/**
 * Each chat's recent turns with the model, in PostgreSQL so they survive restarts. A busy worker reads
 * and writes many chats' turns in one statement (see batched.ts).
 */
export function createConversationStore(db: Db, options: MemoryOptions) {
  /** The newest KEPT_TURNS turns of each chat asked for, newest first, with whether the chat went idle. */
  const readMany = batched<number, StoredTurn[]>(async (chatIds) => {
    const { rows } = await db.query<StoredTurn & { chat_id: string }>({
      name: "conversations-recent",
      text: `SELECT c.chat_id, t.role, t.content, t.idle
             FROM unnest($1::bigint[]) AS c(chat_id)
             CROSS JOIN LATERAL (
               SELECT role, content,
                      max(created_at) OVER () < now() - make_interval(secs => $2 / 1000.0) AS idle
               FROM conversation_turns WHERE chat_id = c.chat_id ORDER BY id DESC LIMIT $3) AS t`,
      values: [[...new Set(chatIds)], options.idleMs, KEPT_TURNS],
    });
    const byChat = new Map<number, StoredTurn[]>();
    for (const { chat_id, ...turn } of rows) {
      const list = byChat.get(Number(chat_id)) ?? [];
      list.push(turn);
      byChat.set(Number(chat_id), list);
    }
    return chatIds.map((id) => byChat.get(id) ?? []);
  });

  /**
   * Adds question–answer pairs (once per job id) and trims their chats to the newest KEPT_TURNS turns. A
   * pair whose question was asked before its chat's last /reset is dropped: the chats' reset rows are
   * locked first (in id order), so a reset in progress is waited for and its time seen.
   */
  const writeTurns = async (pairs: readonly Pair[]): Promise<undefined> => {
    // Inserted in this order (`o`), so that ids grow question before answer, pair after pair.
    const turns = pairs.flatMap((p, i) => {
      const common = { chat_id: p.chatId, job_id: p.jobId ?? null, asked_at: p.askedAt ?? null };
      return [
        { o: 2 * i, ...common, role: "user", content: p.question },
        { o: 2 * i + 1, ...common, role: "assistant", content: p.answer },
      ];
    });
    await db.query({
      name: "conversations-append",
      text: `WITH resets AS (
               INSERT INTO conversation_resets (chat_id)
               SELECT c.chat_id FROM unnest($2::bigint[]) AS c(chat_id) ORDER BY c.chat_id
               ON CONFLICT (chat_id) DO UPDATE SET reset_at = conversation_resets.reset_at
               RETURNING chat_id, reset_at
             ), added AS (
               INSERT INTO conversation_turns (chat_id, role, content, job_id)
               SELECT t.chat_id, t.role, t.content, t.job_id
               FROM jsonb_to_recordset($1::jsonb)
                 AS t(o int, chat_id bigint, role text, content text, job_id text, asked_at float8)
               JOIN resets r ON r.chat_id = t.chat_id
               WHERE r.reset_at IS NULL OR t.asked_at IS NULL OR r.reset_at < to_timestamp(t.asked_at / 1000)
               ORDER BY t.o
               ON CONFLICT (job_id, role) WHERE job_id IS NOT NULL DO NOTHING
             )
             -- Joined with the reset rows, so that they are locked before any turn is (as /reset does).
             DELETE FROM conversation_turns d USING resets AS c
             WHERE d.chat_id = c.chat_id AND d.id <= (
               SELECT id FROM conversation_turns WHERE chat_id = c.chat_id ORDER BY id DESC OFFSET $3 LIMIT 1
             )`,
      values: [JSON.stringify(turns), [...new Set(pairs.map((p) => p.chatId))], KEPT_TURNS],
    });
    return undefined;
  };
  const appendMany = batched<Pair>(writeTurns, { alone: isRefusedData });

  return {
    /** The chat's recent turns, oldest first, whole question–answer pairs within the budget. */
    async recent(chatId: number): Promise<Turn[]> {
      if (options.charBudget === 0) return [];
      const rows = await readMany(chatId);
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
     * re-run after a crash or a retry remembers its turn once); with `askedAt` (epoch ms of the
     * question) not at all when the chat was reset after it. A pair PostgreSQL refuses fails only its
     * own ask, not the others written with it.
     */
    async append(
      chatId: number,
      question: string,
      answer: string,
      jobId?: string,
      askedAt?: number,
    ): Promise<void> {
      if (options.charBudget === 0) return;
      const pair = {
        chatId,
        question,
        answer,
        ...(jobId === undefined ? {} : { jobId }),
        ...(askedAt === undefined ? {} : { askedAt }),
      };
      await appendMany(pair);
    },

    /** The chat's last question to the model (for /retry), however long ago; undefined after /reset. */
    async lastQuestion(chatId: number): Promise<string | undefined> {
      const { rows } = await db.query<{ content: string }>(
        "SELECT content FROM conversation_turns WHERE chat_id = $1 AND role = 'user' ORDER BY id DESC LIMIT 1",
        [chatId],
      );
      return rows[0]?.content;
    },

    /**
     * Forgets the chat's conversation (in the caller's transaction when given one), and any answer still
     * on its way to a question asked before now; returns how many turns were dropped.
     */
    async reset(chatId: number, client: Queryable = db): Promise<number> {
      // The reset row first: a write of turns in flight holds it, and is waited for (see writeTurns).
      await client.query(
        `INSERT INTO conversation_resets (chat_id, reset_at) VALUES ($1, now())
         ON CONFLICT (chat_id) DO UPDATE SET reset_at = now()`,
        [chatId],
      );
      const { rowCount } = await client.query("DELETE FROM conversation_turns WHERE chat_id = $1", [chatId]);
      return rowCount ?? 0;
    },
  };
}

export type ConversationStore = ReturnType<typeof createConversationStore>;

interface StoredTurn extends Turn {
  idle: boolean;
}

interface Pair {
  chatId: number;
  question: string;
  answer: string;
  jobId?: string;
  /** Epoch ms of the question. */
  askedAt?: number;
}
