import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConversationStore } from "../../shared/src/conversations/index.js";
import { createTestDatabase } from "../support/database.js";

let db: pg.Pool;
let chat = 1_000;

beforeAll(async () => {
  db = new pg.Pool({ connectionString: await createTestDatabase() });
});

afterAll(async () => {
  await db.end();
});

describe("conversation memory in PostgreSQL", () => {
  it("sends the newest whole question–answer pairs that fit in the character budget, oldest first", async () => {
    const store = createConversationStore(db, { charBudget: 50, idleMs: 3_600_000 });
    const chatId = ++chat;
    await store.append(chatId, "вопрос 1", "ответ номер один"); // 24 characters
    await store.append(chatId, "вопрос 2", "ответ номер два"); // 23
    await store.append(chatId, "вопрос 3", "ответ 3"); // 15
    expect(await store.recent(chatId)).toEqual([
      { role: "user", content: "вопрос 2" },
      { role: "assistant", content: "ответ номер два" },
      { role: "user", content: "вопрос 3" },
      { role: "assistant", content: "ответ 3" },
    ]);
    expect(await createConversationStore(db, { charBudget: 0, idleMs: 1 }).recent(chatId)).toEqual([]);
  });

  it("reads no further than the budget: the statement returns the turns that may fit, not all kept ones", async () => {
    let received = 0;
    // The real pool, with the characters of every row it returns counted.
    const counted = new Proxy(db, {
      get(target, key, receiver) {
        if (key !== "query") return Reflect.get(target, key, receiver);
        return async (...args: Parameters<pg.Pool["query"]>) => {
          const result = await (target.query as (...a: unknown[]) => Promise<pg.QueryResult>)(...args);
          for (const row of result.rows) received += String(row.content ?? "").length;
          return result;
        };
      },
    });
    const store = createConversationStore(counted, { charBudget: 1_000, idleMs: 3_600_000 });
    const chatId = ++chat;
    for (let i = 0; i < 20; i++) await store.append(chatId, `в${i} ${"я".repeat(5_000)}`, `о${i}`);
    await store.append(chatId, "последний вопрос", "последний ответ");
    received = 0;
    expect((await store.recent(chatId)).map((t) => t.content)).toEqual([
      "последний вопрос",
      "последний ответ",
    ]);
    // The kept turns hold over 100,000 characters; what may fit is 1,000 (3,000 bytes of UTF-8 at most).
    expect(received).toBeLessThanOrEqual(3_000);
  });

  it("forgets a conversation idle for longer than the idle time, and on reset", async () => {
    const store = createConversationStore(db, { charBudget: 8_000, idleMs: 60_000 });
    const chatId = ++chat;
    await store.append(chatId, "давний вопрос", "давний ответ");
    expect(await store.recent(chatId)).toHaveLength(2);
    await db.query(
      "UPDATE conversation_turns SET created_at = now() - interval '2 minutes' WHERE chat_id = $1",
      [chatId],
    );
    expect(await store.recent(chatId)).toEqual([]);

    await store.append(chatId, "новый вопрос", "новый ответ");
    expect(await store.reset(chatId)).toBe(4);
    expect(await store.recent(chatId)).toEqual([]);
  });

  it("keeps at most the newest 100 turns of a chat", async () => {
    const store = createConversationStore(db, { charBudget: 8_000, idleMs: 60_000 });
    const chatId = ++chat;
    for (let i = 0; i < 60; i++) await store.append(chatId, `q${i}`, `a${i}`);
    const { rows } = await db.query("SELECT count(*)::int AS n FROM conversation_turns WHERE chat_id = $1", [
      chatId,
    ]);
    expect(rows[0].n).toBeLessThanOrEqual(102);
    expect((await store.recent(chatId)).at(-1)).toEqual({ role: "assistant", content: "a59" });
  });

  it("answers many chats at once, each with its own turns, in order", async () => {
    const store = createConversationStore(db, { charBudget: 8_000, idleMs: 60_000 });
    const chats = Array.from({ length: 40 }, () => ++chat);
    // All at once: the store carries them in few statements, each chat still gets its own pairs in order.
    await Promise.all(
      chats.flatMap((chatId) =>
        [1, 2, 3].map((n) => store.append(chatId, `q${chatId}-${n}`, `a${chatId}-${n}`)),
      ),
    );
    const all = await Promise.all(chats.map((chatId) => store.recent(chatId)));
    all.forEach((turns, i) => {
      const chatId = chats[i] as number;
      expect(
        turns.map((t) => t.content).filter((c) => c.endsWith("-1") || c.endsWith("-2") || c.endsWith("-3")),
      ).toHaveLength(6);
      // Each question is followed by its own answer.
      for (let t = 0; t < turns.length; t += 2)
        expect(turns[t + 1]?.content).toBe(turns[t]?.content.replace(`q${chatId}`, `a${chatId}`));
    });
  });

  it("does not write the turn of a question asked before the chat's last reset, arriving after it", async () => {
    const store = createConversationStore(db, { charBudget: 8_000, idleMs: 3_600_000 });
    const chatId = ++chat;
    const askedBefore = Date.now() - 1_000;
    await store.append(chatId, "старый", "старый ответ", "job-old", askedBefore - 1_000);
    expect(await store.reset(chatId)).toBe(2);
    await store.append(chatId, "до сброса", "ответ в пути", "job-on-its-way", askedBefore);
    await store.append(chatId, "после сброса", "новый ответ", "job-new", Date.now() + 1_000);
    expect((await store.recent(chatId)).map((t) => t.content)).toEqual(["после сброса", "новый ответ"]);
  });

  it("a pair PostgreSQL refuses fails alone; the others sent with it are kept", async () => {
    const store = createConversationStore(db, { charBudget: 8_000, idleMs: 60_000 });
    const good = ++chat;
    // A chat id past bigint's range: data PostgreSQL refuses (22003), whatever the text.
    const bad = 2 ** 63;
    const results = await Promise.allSettled([
      store.append(good, "первый", "ответ", "job-ok-1"),
      store.append(bad, "вопрос", "ответ", "job-bad"),
      store.append(good, "второй", "ответ 2", "job-ok-2"),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((await store.recent(good)).map((t) => t.content)).toEqual([
      "первый",
      "ответ",
      "второй",
      "ответ 2",
    ]);
    const { rows } = await db.query("SELECT 1 FROM conversation_turns WHERE job_id = 'job-bad'");
    expect(rows).toEqual([]);
  });

  it("stores a NUL or a lone half of a surrogate pair replaced, instead of refusing the turn", async () => {
    const store = createConversationStore(db, { charBudget: 8_000, idleMs: 60_000 });
    const chatId = ++chat;
    await store.append(chatId, "нулевой \u0000 байт", "половина \uD83D пары", "job-nul");
    expect((await store.recent(chatId)).map((t) => t.content)).toEqual([
      "нулевой \uFFFD байт",
      "половина \uFFFD пары",
    ]);
  });
});
