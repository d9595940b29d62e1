import { batched, type Db, isRefusedData, type Queryable, storableJson } from "../db/index.js";

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
/** The most bytes of UTF-8 one UTF-16 unit takes (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

/**
 * Each chat's recent turns with the model, in PostgreSQL so they survive restarts. A busy worker reads
 * and writes many chats' turns in one statement (see batched.ts).
 */
export function createConversationStore(db: Db, options: MemoryOptions) {
  /**
   * Of the newest KEPT_TURNS turns of each chat asked for, newest first, those that may fit in the
   * budget, with whether the chat went idle. The budget counts UTF-16 units (JavaScript's length), the
   * statement bytes (`octet_length`, read without unpacking a stored text): a unit takes at most 3 bytes
   * of UTF-8, so the turns within 3 × the budget in bytes include every turn `recent` may keep, and
   * PostgreSQL sends nothing past them, however long the older turns are.
   */
  const readMany = batched<number, StoredTurn[]>(async (chatIds) => {
    const { rows } = await db.query<StoredTurn & { chat_id: string }>({
      name: "conversations-recent",
      text: `SELECT c.chat_id, t.role, t.content, t.idle
             FROM unnest($1::bigint[]) AS c(chat_id)
             LEFT JOIN chat_migrations m ON m.from_chat_id = c.chat_id
             CROSS JOIN LATERAL (
               SELECT id, role, content, idle FROM (
                 SELECT id, role, content,
                        max(created_at) OVER () < now() - make_interval(secs => $2 / 1000.0) AS idle,
                        sum(octet_length(content)) OVER (ORDER BY id DESC) AS bytes
                 FROM conversation_turns WHERE chat_id = coalesce(m.to_chat_id, c.chat_id)
                 ORDER BY id DESC LIMIT $3) AS newest
               WHERE bytes <= $4 ORDER BY id DESC) AS t`,
      values: [[...new Set(chatIds)], options.idleMs, KEPT_TURNS, MAX_BYTES_PER_UNIT * options.charBudget],
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
   * Adds question–answer pairs (once per job id; not those asked before their chat's last reset) and
   * trims their chats to the newest KEPT_TURNS turns. It first locks each chat's reset mark (made if
   * missing, in chat order so that two writers never deadlock) and reads its newest version, so that a
   * concurrent /reset (see `reset`) is either seen here, or waits for this write and then deletes it.
   */
  const writeTurns = async (pairs: readonly Pair[]): Promise<undefined> => {
    // Inserted in this order (`o`), so that ids grow question before answer, pair after pair.
    const turns = pairs.flatMap((p, i) => {
      const pair = { chat_id: p.chatId, job_id: p.jobId ?? null, asked_at: p.askedAt ?? null };
      return [
        { o: 2 * i, role: "user", content: p.question, ...pair },
        { o: 2 * i + 1, role: "assistant", content: p.answer, ...pair },
      ];
    });
    await db.query({
      name: "conversations-append",
      text: `WITH chats AS (
               SELECT DISTINCT coalesce(g.to_chat_id, c.chat_id) AS chat_id
               FROM unnest($2::bigint[]) AS c(chat_id) LEFT JOIN chat_migrations g ON g.from_chat_id = c.chat_id
             ), marks AS (
               INSERT INTO conversation_resets AS r (chat_id, reset_at)
               SELECT chat_id, '-infinity' FROM chats ORDER BY chat_id
               ON CONFLICT (chat_id) DO UPDATE SET reset_at = r.reset_at
               RETURNING r.chat_id, r.reset_at
             ), added AS (
               INSERT INTO conversation_turns (chat_id, role, content, job_id)
               SELECT m.chat_id, t.role, t.content, t.job_id
               FROM jsonb_to_recordset($1::jsonb)
                 AS t(o int, chat_id bigint, role text, content text, job_id text, asked_at float8)
               LEFT JOIN chat_migrations g ON g.from_chat_id = t.chat_id
               JOIN marks m ON m.chat_id = coalesce(g.to_chat_id, t.chat_id)
               WHERE t.asked_at IS NULL OR m.reset_at < to_timestamp(t.asked_at / 1000.0)
               ORDER BY t.o
               ON CONFLICT (job_id, role) WHERE job_id IS NOT NULL DO NOTHING
             )
             DELETE FROM conversation_turns d
             USING chats AS c
             WHERE d.chat_id = c.chat_id AND d.id <= (
               SELECT id FROM conversation_turns WHERE chat_id = c.chat_id ORDER BY id DESC OFFSET $3 LIMIT 1
             )`,
      // A NUL (in a question or an answer), which PostgreSQL refuses, is stored replaced.
      values: [
        storableJson(turns),
        [...new Set(pairs.map((p) => p.chatId))].sort((a, b) => a - b),
        KEPT_TURNS,
      ],
    });
    return undefined;
  };
  const appendMany = batched<Pair>(writeTurns, { alone: isRefusedData });
  /**
   * The turn this process is writing for a chat: the answer is shown before its turn is written, and
   * a question asked right after it waits for that write (bounded like every statement) to go with it.
   */
  const writing = new Map<number, Promise<unknown>>();

  return {
    /** The chat's recent turns, oldest first, whole question–answer pairs within the budget. */
    async recent(chatId: number): Promise<Turn[]> {
      if (options.charBudget === 0) return [];
      await writing.get(chatId);
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
     * re-run after a crash or a retry remembers its turn once). With `askedAt` (epoch ms, the
     * gateway's clock) it is not added when the chat was reset since (by PostgreSQL's clock): /reset
     * wins over an answer still on its way. A pair PostgreSQL refuses fails only its own ask, not the
     * others written with it.
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
      const write = appendMany(pair);
      const settled = write.catch(() => {});
      writing.set(chatId, settled);
      void settled.then(() => {
        if (writing.get(chatId) === settled) writing.delete(chatId);
      });
      await write;
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
     * A group became a supergroup (Telegram's migrate_to_chat_id): its turns move to the new id, and
     * turns read or written under the old id later (asks pending meanwhile) go to the new one. Safe to
     * repeat (the gateway sees the service messages, a worker the 400 with the new id).
     */
    async moveChat(fromChatId: number, toChatId: number, client: Queryable = db): Promise<void> {
      await client.query(
        `WITH moved AS (
           INSERT INTO chat_migrations (from_chat_id, to_chat_id) VALUES ($1, $2) ON CONFLICT DO NOTHING)
         UPDATE conversation_turns SET chat_id = $2 WHERE chat_id = $1`,
        [fromChatId, toChatId],
      );
    },

    /**
     * Forgets the chat's conversation (in the caller's transaction when given one), and the turns of
     * questions asked before now that are still on their way; returns how many turns were dropped.
     */
    async reset(chatId: number, client: Queryable = db): Promise<number> {
      // Two statements: the mark waits for a write under way (see writeTurns), and the delete, with a
      // snapshot taken after it, sees that write's turns too.
      await client.query(
        `INSERT INTO conversation_resets (chat_id, reset_at) VALUES ($1, now())
         ON CONFLICT (chat_id) DO UPDATE SET reset_at = excluded.reset_at`,
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
  askedAt?: number;
}
