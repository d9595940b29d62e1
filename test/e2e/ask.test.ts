import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ask, PLACEHOLDER } from "../support/ask.js";
import { questionOf } from "../support/fake-openrouter.js";
import { Stack } from "../support/stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({ workers: 1 });
});

afterAll(async () => {
  expect(await stack.stop()).toEqual([0, 0]);
});

const FOOTER = /\n\n\((\d+) мс; модель: ([^)]+)\)$/;
// Each test scripts the fake for its own questions and counts only their requests, so a test that
// fails leaves nothing behind for the others: one failure stays one failure.
const requestsAsking = (question: string) =>
  stack.openrouter.requests.filter((r) => questionOf(r) === question);

describe("/ask through the queue", () => {
  it("answers in place of the placeholder, with latency and model in the footer", async () => {
    const user = stack.telegram.newUser();
    const pending = await ask(stack, user, "Сколько будет 2+2?");
    const text = await pending.answer();

    const [request] = requestsAsking("Сколько будет 2+2?");
    expect(text).toMatch(/^Ответ: Сколько будет 2\+2\?\n\n\(\d+ мс; модель: [^)]+\)$/);
    expect(text.match(FOOTER)?.[2]).toBe(request?.model);
    expect(request?.headers.authorization).toBe("Bearer test-openrouter-key");
    expect(request?.headers["x-title"]).toBeTruthy();
    expect(request?.headers["http-referer"]).toBeTruthy();
    expect(request?.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(request?.messages[1]?.content).toBe("Сколько будет 2+2?");
    // One placeholder, edited: no second message.
    expect(stack.telegram.sentTo(user.id)).toHaveLength(1);
  });

  it("waits out a 429 with Retry-After, telling the user it retries, then answers", async () => {
    const user = stack.telegram.newUser();
    const question = "вопрос после 429";
    stack.openrouter.enqueueForQuestion(
      question,
      { kind: "error", status: 429, retryAfter: "1" },
      { kind: "answer", content: "Готово" },
    );
    const pending = await ask(stack, user, question);
    const retrying = await stack.telegram.waitForText(
      pending.chatId,
      pending.messageId,
      (t) => t !== PLACEHOLDER,
    );
    expect(retrying).toBe("⏳ Модель ответила ошибкой [429], пробую ещё раз (попытка 2 из 4)…");
    expect(await pending.answer()).toMatch(/^Готово\n\n\(\d+ мс; модель: /);
    const [first, second] = requestsAsking(question);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it("retries a 503 three times, then answers", async () => {
    const user = stack.telegram.newUser();
    const question = "вопрос после трёх 503";
    const unavailable = { kind: "error", status: 503 } as const;
    stack.openrouter.enqueueForQuestion(question, unavailable, unavailable, unavailable, {
      kind: "answer",
      content: "С четвёртой попытки",
    });
    const pending = await ask(stack, user, question);
    expect(await pending.answer()).toMatch(/^С четвёртой попытки\n\n/);
    expect(requestsAsking(question)).toHaveLength(4);
  });

  it.each([401, 404])("does not retry a %i", async (status) => {
    const user = stack.telegram.newUser();
    const question = `вопрос с ответом ${status}`;
    stack.openrouter.enqueueForQuestion(question, { kind: "error", status });
    const pending = await ask(stack, user, question);
    expect(await pending.answer()).toMatch(new RegExp(`^Ошибка: \\[${status}\\] `));
    // The user's next ask is answered after it: the failed one was not retried meanwhile.
    const next = await ask(stack, user, `следующий после ${status}`);
    expect(await next.answer()).toMatch(/^Ответ: следующий/);
    expect(requestsAsking(question)).toHaveLength(1);
  });

  it("treats an error inside HTTP 200 and an empty answer as errors", async () => {
    const user = stack.telegram.newUser();
    stack.openrouter.enqueueForQuestion("ошибка внутри 200", { kind: "errorIn200", code: 403 });
    expect(await (await ask(stack, user, "ошибка внутри 200")).answer()).toMatch(
      /^Ошибка: \[403\] Запрос отклонён модерацией/,
    );
    stack.openrouter.enqueueForQuestion("ошибка в ответе", { kind: "choiceError", code: 402 });
    expect(await (await ask(stack, user, "ошибка в ответе")).answer()).toMatch(/^Ошибка: \[402\] /);
    stack.openrouter.enqueueForQuestion("пустой ответ", { kind: "empty" });
    expect(await (await ask(stack, user, "пустой ответ")).answer()).toBe(
      "Ошибка: [empty] Модель вернула пустой ответ. Попробуйте переформулировать вопрос.",
    );
  });

  it("splits a 9000-character answer into messages in order, never cutting the text", async () => {
    const user = stack.telegram.newUser();
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Абзац ${i}: ${"текст ".repeat(48)}конец ${i}.`);
    const content = paragraphs.join("\n\n");
    expect(content.length).toBeGreaterThan(9000);
    stack.openrouter.enqueueForQuestion("длинный ответ", { kind: "answer", content });
    const pending = await ask(stack, user, "длинный ответ");
    await pending.answer();
    const last = await stack.telegram.waitForCall(
      (c) =>
        c.method === "sendMessage" &&
        c.payload.chat_id === user.id &&
        /мс; модель:/.test(String(c.payload.text)),
    );
    await stack.telegram.answered(last);
    const parts = stack.telegram
      .sentTo(user.id)
      .map((c) => stack.telegram.textOf(user.id, c.messageId as number) as string);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    const shown = parts.join("\n\n");
    for (let i = 1; i < paragraphs.length; i++) {
      expect(shown.indexOf(paragraphs[i] as string)).toBeGreaterThan(
        shown.indexOf(paragraphs[i - 1] as string),
      );
    }
    expect(parts.at(-1)).toMatch(FOOTER);
    expect(shown.replace(FOOTER, "")).toBe(content);
  });

  it("shows the model's Markdown as Telegram formatting", async () => {
    const user = stack.telegram.newUser();
    stack.openrouter.enqueueForQuestion("markdown", {
      kind: "answer",
      content: "**Жирный** и `код` <script>",
    });
    const pending = await ask(stack, user, "markdown");
    await pending.answer();
    const edit = stack.telegram.calls.findLast(
      (c) => c.method === "editMessageText" && c.payload.message_id === pending.messageId,
    );
    expect(edit?.payload.parse_mode).toBe("HTML");
    expect(edit?.payload.text).toMatch(/^<b>Жирный<\/b> и <code>код<\/code> &lt;script&gt;\n\n<i>\(\d+ мс/);
  });

  it("falls back to plain text when Telegram rejects the formatting", async () => {
    const user = stack.telegram.newUser();
    const question = "markdown, который не примут";
    stack.openrouter.enqueueForQuestion(question, { kind: "answer", content: "**Жирный** и _курсив_" });
    stack.telegram.rejectHtml = true;
    try {
      const pending = await ask(stack, user, question);
      expect(await pending.answer()).toMatch(/^Жирный и курсив\n\n\(\d+ мс; модель: /);
    } finally {
      stack.telegram.rejectHtml = false;
    }
  });

  it("never makes a second job for a repeated delivery of the same update", async () => {
    const user = stack.telegram.newUser();
    const pending = await ask(stack, user, "один раз");
    await pending.answer();
    stack.telegram.redeliver(pending.update);
    // The next ask in the same chat is handled after the redelivered update (one chat, in order).
    const next = await ask(stack, user, "второй вопрос");
    expect(await next.answer()).toMatch(/^Ответ: второй вопрос/);
    expect(requestsAsking("один раз")).toHaveLength(1);
    expect(stack.telegram.sentTo(user.id)).toHaveLength(2);
  });

  it("logs ids, statuses and lengths, never a question, an answer or the input OpenRouter flagged", async () => {
    const user = stack.telegram.newUser();
    const secret = `тайна-${user.id}`;
    const retried = `${secret} после 503`;
    stack.openrouter.enqueueForQuestion(
      retried,
      { kind: "error", status: 503, message: "Service unavailable" },
      { kind: "answer", content: `${secret} в ответе` },
    );
    const flagged = `${secret} не пропустят`;
    stack.openrouter.enqueueForQuestion(flagged, {
      kind: "error",
      status: 403,
      message: "Your input was flagged for harassment.",
      metadata: { reasons: ["harassment"], flagged_input: flagged },
    });
    const answered = await ask(stack, user, retried);
    expect(await answered.answer()).toMatch(new RegExp(`^${secret} в ответе`));
    const refused = await ask(stack, user, flagged);
    expect(await refused.answer()).toMatch(/^Ошибка: \[403\] /);

    // An ask's last line is written after its answer is shown: the logs are read once both are there.
    const worker = stack.workers[0];
    for (const pending of [answered, refused]) {
      const jobId = `tg-update-${pending.update.update_id}`;
      await worker?.waitForOutput(new RegExp(`"jobId":"${jobId}"[^\\n]*"msg":"ask finished"`));
    }
    expect(worker?.output).toMatch(/"failure":"503"[^\n]*"msg":"ask will be retried"/);
    expect(worker?.output).toMatch(/"failure":"403"[^\n]*"msg":"ask failed for good"/);
    for (const output of [worker?.output, stack.gateway.output]) expect(output).not.toContain(secret);
  });

  it("answers usage for an empty question and refuses a too long one, adding no job", async () => {
    const user = stack.telegram.newUser();
    expect(await stack.say(user, "/ask")).toEqual(["Напишите вопрос после команды: /ask <вопрос>."]);
    expect(await stack.say(user, `/ask ${"ы".repeat(3001)}`)).toEqual([
      "Вопрос слишком длинный: 3001 символов, можно до 3000. Сократите его, пожалуйста.",
    ]);
    const redis = new Redis(inject("redisUrl"));
    const waiting = await redis.zcard(`${stack.env.QUEUE_PREFIX}:ask:wait`);
    redis.disconnect();
    expect(waiting).toBe(0);
  });
});
