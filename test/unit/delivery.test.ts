/**
 * The delivery stage built in this process (createDelivery with the worker's chat messages, the real
 * Redis and PostgreSQL, a real BullMQ job) against the fake Telegram: how an answer reaches the chat.
 */
import { Queue } from "bullmq";
import { Api } from "grammy";
import type { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { chatMessagesOf, createDelivery } from "../../services/worker/src/ask/delivery.js";
import { createConversationStore } from "../../shared/src/conversations/index.js";
import { createLogger } from "../../shared/src/logging/index.js";
import {
  type AskJob,
  askJobSchema,
  createWorkerConnection,
  saveCallbackData,
  userAsks,
} from "../../shared/src/queue/index.js";
import { createLocalizer } from "../../shared/src/texts/index.js";
import { createQueuePrefix, createTestDatabase } from "../support/database.js";
import { FakeTelegram } from "../support/fake-telegram.js";

const MODEL = "meta-llama/llama-3.3-70b-instruct:free";
const texts = createLocalizer().of("ru");
/** Telegram's limit on a message's text. */
const MESSAGE_LIMIT = 4096;

let telegram: FakeTelegram;
let api: Api;
let db: pg.Pool;
let redis: Redis;
let queue: Queue<AskJob>;
let delivery: ReturnType<typeof createDelivery>;

beforeAll(async () => {
  const [fake, databaseUrl] = await Promise.all([FakeTelegram.start(), createTestDatabase()]);
  telegram = fake;
  api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
  db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  redis = createWorkerConnection(inject("redisUrl"));
  const prefix = createQueuePrefix();
  queue = new Queue<AskJob>("asks", { connection: redis, prefix });
  delivery = createDelivery({
    messages: chatMessagesOf(api, new Map(), () => {}),
    conversations: createConversationStore(db, { charBudget: 8_000, idleMs: 3_600_000 }),
    userAsks: userAsks(redis, prefix),
    localizer: createLocalizer(),
    logger: createLogger({ level: "silent", service: "test", secrets: [] }),
  });
});

afterAll(async () => {
  await queue.close();
  redis.disconnect();
  await Promise.all([db.end(), telegram.close()]);
});

/** A question of a fresh user, its placeholder shown, as a job in the queue. */
async function asked(question: string) {
  const user = telegram.newUser();
  const placeholder = await api.sendMessage(user.id, "⏳");
  const ask = askJobSchema.parse({
    chatId: user.id,
    placeholderMessageId: placeholder.message_id,
    userId: user.id,
    question,
    modelKey: MODEL,
    enqueuedAt: Date.now(),
  });
  const job = await queue.add("ask", ask);
  return { ask, job, chatId: user.id, placeholderId: placeholder.message_id };
}

const turnsOf = async (chatId: number) =>
  (await db.query("SELECT role FROM conversation_turns WHERE chat_id = $1 ORDER BY id", [chatId])).rows;

describe("delivery", () => {
  it("a long answer is split: the placeholder shows the first part, new messages the rest, the save button under the last only", async () => {
    const { ask, job, chatId, placeholderId } = await asked("Расскажи подробно");
    const paragraph = (n: number) => `Абзац ${n}. ${"слово ".repeat(400).trim()}`;
    const content = [1, 2, 3].map(paragraph).join("\n\n");

    const delivered = await delivery.answer(job, ask, { content, modelKey: MODEL, notesSent: 0 }, [
      placeholderId,
    ]);

    expect(delivered).toMatchObject({ kind: "ended", ending: { outcome: "ok" } });
    const messages = telegram.sentTo(chatId).filter((c) => c.method === "sendMessage");
    const extra = messages.slice(1).map((c) => c.messageId as number);
    expect(extra.length).toBeGreaterThan(0);
    const ids = [placeholderId, ...extra];
    const shown = ids.map((id) => telegram.textOf(chatId, id) ?? "");
    for (const text of shown) expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(shown[0]).toContain("Абзац 1.");
    expect(shown.join("\n")).toContain("Абзац 3.");
    expect(shown.at(-1)).toContain(MODEL);
    // The button saves this job's answer, and only the last message carries it.
    expect(ids.slice(0, -1).map((id) => telegram.markupOf(chatId, id))).toEqual(
      ids.slice(0, -1).map(() => undefined),
    );
    expect(telegram.markupOf(chatId, ids.at(-1) as number)).toEqual({
      inline_keyboard: [[{ text: texts.ask.saveButton, callback_data: saveCallbackData(job.id as string) }]],
    });
    expect(await turnsOf(chatId)).toEqual([{ role: "user" }, { role: "assistant" }]);
    // What the chat shows is recorded on the job as BullMQ reads it back (a re-run resumes from it; the
    // finish script writes BullMQ's progress field itself).
    expect((await queue.getJob(job.id as string))?.progress).toMatchObject({
      messageIds: ids,
      sent: ids.length,
      answer: content,
      outcome: "ok",
    });
  });

  it("remembers the turn before the answer shows: a follow-up sent the moment it shows has it in memory", async () => {
    const { ask, job, chatId, placeholderId } = await asked("Как зовут кота?");
    const shown = telegram.hold(
      (c) => c.method === "editMessageText" && Number(c.payload.chat_id) === chatId,
    );
    const delivered = delivery.answer(job, ask, { content: "Барсик.", modelKey: MODEL, notesSent: 0 }, [
      placeholderId,
    ]);
    await telegram.waitForCall((c) => c.method === "editMessageText" && Number(c.payload.chat_id) === chatId);
    expect(await turnsOf(chatId)).toEqual([{ role: "user" }, { role: "assistant" }]);
    shown.release();
    expect(await delivered).toMatchObject({ kind: "ended", ending: { outcome: "ok" } });
    expect(telegram.textOf(chatId, placeholderId)).toContain("Барсик.");
  });

  it("an answer Telegram cannot parse as HTML is shown again as plain text", async () => {
    const { ask, job, chatId, placeholderId } = await asked("Что важно?");
    telegram.failNext("editMessageText", {
      error_code: 400,
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "b" at byte offset 0',
    });

    const delivered = await delivery.answer(
      job,
      ask,
      { content: "**Важно**: спать по ночам.", modelKey: MODEL, notesSent: 0 },
      [placeholderId],
    );

    expect(delivered).toMatchObject({ kind: "ended", ending: { outcome: "ok" } });
    const edits = telegram.calls.filter(
      (c) => c.method === "editMessageText" && Number(c.payload.chat_id) === chatId,
    );
    expect(edits.map((c) => [c.ok, c.payload.parse_mode])).toEqual([
      [false, "HTML"],
      [true, undefined],
    ]);
    const text = telegram.textOf(chatId, placeholderId) ?? "";
    expect(text).toContain("Важно: спать по ночам.");
    expect(text).not.toContain("<b>");
  });
});
