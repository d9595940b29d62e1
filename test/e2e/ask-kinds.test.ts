/**
 * The worker's side of asks the gateway puts on the queue with their newer fields: the asker's
 * language, questions about notes, digests, the model's context length; the save button, token usage
 * and OpenRouter's free daily cap. Jobs are added straight onto the queue, as the gateway adds them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dailyCapError, type RecordedRequest } from "../support/fake-openrouter.js";
import { sample, scrape } from "../support/metrics.js";
import { enqueueAsk, eventually, jobProgress } from "../support/queue.js";
import { Stack } from "../support/stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({ workers: 1 });
});

afterAll(async () => {
  expect(await stack.stop()).toEqual([0, 0]);
});

const MODEL = "deepseek/deepseek-chat-v3.1:free";
const completions = () => stack.openrouter.requests.filter((r) => r.path.endsWith("/chat/completions"));
/** The completion requests made from now on. */
const since = () => {
  const start = completions().length;
  return () => completions().slice(start);
};
const contents = (request: RecordedRequest | undefined) =>
  (request?.messages ?? []).map((m) => String(m.content));
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

describe("the asker's language", () => {
  it("answers a job with locale en in English: footer and failure texts", async () => {
    const user = stack.telegram.newUser();
    const answered = await enqueueAsk(stack, { userId: user.id, question: "What is 2+2?", locale: "en" });
    expect(await answered.answer()).toMatch(/^Ответ: What is 2\+2\?\n\n\(\d+ ms; model: deepseek\/[^)]+\)$/);

    stack.openrouter.enqueue({ kind: "error", status: 404 });
    const failed = await enqueueAsk(stack, { userId: user.id, question: "And now?", locale: "en" });
    expect(await failed.answer()).toBe(
      "Error: [404] The model was not found on OpenRouter. Choose another one: /models",
    );
  });

  it("answers a job without a locale in Russian", async () => {
    const user = stack.telegram.newUser();
    const answered = await enqueueAsk(stack, { userId: user.id, question: "Сколько?" });
    expect(await answered.answer()).toMatch(/\n\n\(\d+ мс; модель: /);
  });
});

describe("questions about notes", () => {
  it("sends only the notes with their ids and dates, no memory; the answer cites them, is not remembered, and can be saved", async () => {
    const user = stack.telegram.newUser();
    // The chat has a conversation already: a question about notes must not carry it.
    await (await enqueueAsk(stack, { userId: user.id, question: "секретный разговор" })).answer();
    const requests = since();
    stack.openrouter.enqueue({ kind: "answer", content: "Молоко вы купили в пятницу (#12)." });
    const pending = await enqueueAsk(stack, {
      userId: user.id,
      kind: "notes",
      question: "Когда я покупал молоко?",
      notes: [
        { id: "12", text: "купил молоко в пятницу", createdAt: "2026-11-27T18:30:00.000Z" },
        { id: "5", text: "позвонить маме", createdAt: "2026-11-20T09:00:00.000Z" },
      ],
    });
    expect(await pending.answer()).toMatch(/^Молоко вы купили в пятницу \(#12\)\.\n\n\(\d+ мс; модель: /);

    const [request] = requests();
    expect(request?.messages.map((m) => m.role)).toEqual(["system", "user"]);
    const [system, asked] = contents(request);
    expect(system).toMatch(/только по его заметкам/);
    expect(system).toMatch(/#номер/);
    expect(asked).toBe(
      "Мои заметки:\n#12 (2026-11-27 18:30 UTC): купил молоко в пятницу\n#5 (2026-11-20 09:00 UTC): позвонить маме\n\nВопрос: Когда я покупал молоко?",
    );
    expect(JSON.stringify(request?.body)).not.toContain("секретный разговор");

    // The button saves question and answer: its data names the job, whose progress keeps the answer.
    expect(stack.telegram.markupOf(pending.chatId, pending.messageId)).toEqual({
      inline_keyboard: [[{ text: "📝 В заметки", callback_data: `save:${pending.jobId}` }]],
    });
    const { rows } = await stack.db.query("SELECT role FROM conversation_turns WHERE job_id = $1", [
      pending.jobId,
    ]);
    expect(rows).toEqual([]);
    expect(await jobProgress(stack, pending.jobId)).toMatchObject({
      answer: "Молоко вы купили в пятницу (#12).",
      outcome: "ok",
    });
  });

  it("puts the save button on an ask's answer too, in the asker's language, and keeps it through the last edit", async () => {
    const user = stack.telegram.newUser();
    stack.openrouter.enqueue({ kind: "stream", chunks: ["Part one, ", "part two."], chunkDelayMs: 50 });
    const pending = await enqueueAsk(stack, { userId: user.id, question: "stream it", locale: "en" });
    await pending.answer();
    const edits = stack.telegram.calls.filter(
      (c) => c.method === "editMessageText" && c.payload.message_id === pending.messageId && c.ok,
    );
    const button = {
      inline_keyboard: [[{ text: "📝 Save as note", callback_data: `save:${pending.jobId}` }]],
    };
    expect(edits.at(-1)?.payload.reply_markup).toEqual(button);
    expect(stack.telegram.markupOf(pending.chatId, pending.messageId)).toEqual(button);
  });

  it("puts no button under a failure", async () => {
    const user = stack.telegram.newUser();
    stack.openrouter.enqueue({ kind: "error", status: 400 });
    const pending = await enqueueAsk(stack, { userId: user.id, kind: "notes", question: "?", notes: [] });
    expect(await pending.answer()).toMatch(/^Ошибка: \[400\] /);
    expect(stack.telegram.markupOf(pending.chatId, pending.messageId)).toBeUndefined();
  });
});

describe("digests", () => {
  it("summarises the notes given, newest first, citing ids; the footer counts them of the total; not remembered, no button", async () => {
    const user = stack.telegram.newUser();
    const requests = since();
    stack.openrouter.enqueue({ kind: "answer", content: "Покупки (#3, #2), звонки (#1)." });
    const pending = await enqueueAsk(stack, {
      userId: user.id,
      kind: "digest",
      question: "/note_digest 7",
      digest: { days: 7, total: 5 },
      notes: [
        { id: "3", text: "хлеб", createdAt: daysAgo(1) },
        { id: "2", text: "молоко", createdAt: daysAgo(2) },
        { id: "1", text: "позвонить", createdAt: daysAgo(3) },
      ],
    });
    expect(await pending.answer()).toMatch(
      /^Покупки \(#3, #2\), звонки \(#1\)\.\n\n\(\d+ мс; модель: [^;]+; по 3 заметкам из 5\)$/,
    );
    const [system, asked] = contents(requests()[0]);
    expect(system).toMatch(/сводку заметок/);
    expect(asked).toMatch(
      /^Мои заметки за 7 последних дней, новые сначала:\n#3 \([^)]+\): хлеб\n#2 .*молоко\n#1 .*позвонить$/,
    );
    expect(stack.telegram.markupOf(pending.chatId, pending.messageId)).toBeUndefined();
    const { rows } = await stack.db.query("SELECT 1 FROM conversation_turns WHERE chat_id = $1", [user.id]);
    expect(rows).toEqual([]);
  });
});

describe("the model's context length", () => {
  /** Tokens as the worker estimates them (README: 3 characters a token, 4 a message) — and the bound the test holds it to. */
  const estimate = (request: RecordedRequest | undefined) =>
    contents(request).reduce((sum, text) => sum + Math.ceil(text.length / 3) + 4, 0);

  it("trims a long memory, oldest pairs first, so the request fits a small model's context with room for the answer", async () => {
    const user = stack.telegram.newUser();
    // 20 remembered pairs of about 400 characters each: about 2700 tokens, far over a 1000-token model.
    for (let i = 0; i < 20; i++) {
      await stack.db.query(
        `INSERT INTO conversation_turns (chat_id, role, content) VALUES ($1, 'user', $2), ($1, 'assistant', $3)`,
        [user.id, `вопрос ${i} ${"в".repeat(190)}`, `ответ ${i} ${"о".repeat(190)}`],
      );
    }
    const requests = since();
    const pending = await enqueueAsk(stack, {
      userId: user.id,
      question: "последний вопрос",
      contextLength: 1000,
    });
    await pending.answer();
    const request = requests()[0];
    // 1000 tokens less the answer's reserve (a quarter, at least 256).
    expect(estimate(request)).toBeLessThanOrEqual(1000 - 256);
    expect(JSON.stringify(request?.body).length).toBeLessThan(3 * 1000);
    const sent = contents(request);
    expect(sent.at(-1)).toBe("последний вопрос");
    expect(sent.at(-2)).toMatch(/^ответ 19 /); // the newest pair stays
    expect(sent.some((m) => m.startsWith("вопрос 0 "))).toBe(false); // the oldest went
    expect(sent.length).toBeGreaterThan(3);

    // The same chat on a model with a large context gets its whole (budgeted) memory.
    const large = since();
    await (await enqueueAsk(stack, { userId: user.id, question: "ещё", contextLength: 131_072 })).answer();
    expect(contents(large()[0]).length).toBeGreaterThan(sent.length);
  });

  it("drops the least relevant notes and counts in a digest only the notes sent", async () => {
    const user = stack.telegram.newUser();
    const notes = Array.from({ length: 40 }, (_, i) => ({
      id: String(100 + i),
      text: `заметка ${i} ${"з".repeat(150)}`,
      createdAt: daysAgo(i / 10),
    }));
    const requests = since();
    const asked = await enqueueAsk(stack, {
      userId: user.id,
      kind: "notes",
      question: "что?",
      notes,
      contextLength: 1500,
    });
    await asked.answer();
    const [, withNotes] = contents(requests()[0]);
    const ids = [...(withNotes ?? "").matchAll(/^#(\d+) /gm)].map((m) => m[1]);
    expect(estimate(requests()[0])).toBeLessThanOrEqual(1500 - 375);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThan(40);
    expect(ids).toEqual(notes.slice(0, ids.length).map((n) => n.id)); // the most relevant kept, in order

    const digests = since();
    const digest = await enqueueAsk(stack, {
      userId: user.id,
      kind: "digest",
      question: "/note_digest",
      notes,
      digest: { days: 7, total: 120 },
      contextLength: 1500,
    });
    const text = await digest.answer();
    const sentIds = [...(contents(digests()[0])[1] ?? "").matchAll(/^#(\d+) /gm)].map((m) => m[1]);
    expect(sentIds).toEqual(notes.slice(0, sentIds.length).map((n) => n.id)); // the newest kept
    expect(text).toMatch(new RegExp(`; по ${sentIds.length} заметк(е|ам) из 120\\)$`));
  });
});

describe("token usage", () => {
  it("stores OpenRouter's usage of each answered ask and counts the tokens per model", async () => {
    const user = stack.telegram.newUser();
    const metricsUrl = await stack.workers[0]?.metricsUrl();
    const tokens = async (kind: string) =>
      sample(await scrape(metricsUrl as string), "openrouter_tokens_total", { model: MODEL, kind }) ?? 0;
    const [promptBefore, completionBefore] = [await tokens("prompt"), await tokens("completion")];
    const usages = [
      { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
      { prompt_tokens: 200, completion_tokens: 20, total_tokens: 220, cost: 0.0015 },
      { prompt_tokens: 300, completion_tokens: 30, total_tokens: 330 },
    ];
    const jobs: string[] = [];
    for (const [i, usage] of usages.entries()) {
      stack.openrouter.enqueue({ kind: "answer", content: `ответ ${i}`, usage });
      const pending = await enqueueAsk(stack, { userId: user.id, question: `вопрос ${i}` });
      await pending.answer();
      jobs.push(pending.jobId);
    }
    // A failed ask costs no row.
    stack.openrouter.enqueue({ kind: "error", status: 400 });
    await (await enqueueAsk(stack, { userId: user.id, question: "плохой" })).answer();

    const rows = async () =>
      (
        await stack.db.query<{
          job_id: string;
          prompt_tokens: number;
          completion_tokens: number;
          cost: string;
        }>(
          "SELECT job_id, prompt_tokens, completion_tokens, cost FROM ask_usage WHERE user_id = $1 ORDER BY id",
          [user.id],
        )
      ).rows;
    // Written beside the delivery, so it may land just after the answer.
    expect(await eventually(rows, (r) => r.length >= 3)).toEqual([
      { job_id: jobs[0], prompt_tokens: 100, completion_tokens: 10, cost: "0" },
      { job_id: jobs[1], prompt_tokens: 200, completion_tokens: 20, cost: "0.0015" },
      { job_id: jobs[2], prompt_tokens: 300, completion_tokens: 30, cost: "0" },
    ]);
    expect((await tokens("prompt")) - promptBefore).toBe(600);
    expect((await tokens("completion")) - completionBefore).toBe(60);
  });
});

describe("token usage when PostgreSQL fails", () => {
  it("delivers the answer while the usage table is locked, and records the row once it is free", async () => {
    const user = stack.telegram.newUser();
    const lock = await stack.db.connect();
    try {
      await lock.query("BEGIN");
      await lock.query("LOCK TABLE ask_usage IN ACCESS EXCLUSIVE MODE");
      const pending = await enqueueAsk(stack, { userId: user.id, question: "пока таблица заперта" });
      expect(await pending.answer()).toMatch(/^Ответ: пока таблица заперта\n\n/);
      await lock.query("ROLLBACK");
      const rows = async () =>
        (await stack.db.query("SELECT job_id FROM ask_usage WHERE job_id = $1", [pending.jobId])).rows;
      expect(await eventually(rows, (r) => r.length === 1)).toEqual([{ job_id: pending.jobId }]);
    } finally {
      await lock.query("ROLLBACK").catch(() => {});
      lock.release();
    }
  });

  it("delivers the answer when the write fails, and logs the code", async () => {
    const user = stack.telegram.newUser();
    await stack.db.query("ALTER TABLE ask_usage RENAME TO ask_usage_away");
    try {
      const pending = await enqueueAsk(stack, { userId: user.id, question: "без таблицы" });
      expect(await pending.answer()).toMatch(/^Ответ: без таблицы\n\n/);
      await stack.workers[0]?.waitForOutput(
        new RegExp(`"jobId":"${pending.jobId}","code":"42P01","msg":"usage not recorded"`),
      );
    } finally {
      await stack.db.query("ALTER TABLE ask_usage_away RENAME TO ask_usage");
    }
  });
});

describe("OpenRouter's free daily cap", () => {
  it("is not retried nor tried elsewhere, says the free limit is used up and when it resets, and is counted", async () => {
    const user = stack.telegram.newUser();
    const metricsUrl = (await stack.workers[0]?.metricsUrl()) as string;
    const before = sample(await scrape(metricsUrl), "ask_daily_cap_total") ?? 0;
    const requests = since();
    stack.openrouter.enqueue(dailyCapError());
    const pending = await enqueueAsk(stack, {
      userId: user.id,
      question: "лимит?",
      fallbackModelKeys: ["qwen/qwen3-coder:free"],
    });
    expect(await pending.answer()).toBe(
      "Ошибка: [429] Дневной лимит бесплатных запросов OpenRouter исчерпан. Он обновится в 00:00 UTC; до тех пор вопросы к бесплатным моделям не пройдут.",
    );
    expect(requests()).toHaveLength(1);
    expect(sample(await scrape(metricsUrl), "ask_daily_cap_total")).toBe(before + 1);

    // In English too, told by the headers OpenRouter copies into the error; an ordinary 429 (the
    // per-minute limit) is still retried.
    stack.openrouter.enqueue(dailyCapError({ inBody: true }));
    const english = await enqueueAsk(stack, { userId: user.id, question: "limit?", locale: "en" });
    expect(await english.answer()).toMatch(
      /^Error: \[429\] OpenRouter's free daily limit of requests is used up\. It resets at 00:00 UTC/,
    );
    const retried = since();
    stack.openrouter.enqueue({
      kind: "error",
      status: 429,
      message: "Rate limit exceeded: free-models-per-min.",
    });
    expect(await (await enqueueAsk(stack, { userId: user.id, question: "ещё" })).answer()).toMatch(
      /^Ответ: ещё/,
    );
    expect(retried()).toHaveLength(2);
  });
});
