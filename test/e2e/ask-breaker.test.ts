import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { Stack } from "../support/stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({
    workers: 1,
    env: {
      ASK_MAX_ATTEMPTS: "2",
      BREAKER_VOLUME_THRESHOLD: "3",
      BREAKER_ERROR_PERCENT: "50",
      BREAKER_RESET_MS: "1500",
    },
  });
});

afterAll(async () => {
  expect(await stack.stop()).toEqual([0, 0]);
});

const BREAKER_TEXT = /^Ошибка: модель \S+ временно недоступна — у неё слишком много сбоев подряд/;

describe("the circuit breaker per model", () => {
  it("is not opened by one question's own retries, opens on a failing model, fails fast, and closes again", async () => {
    const user = stack.telegram.newUser();
    const worker = stack.workers[0];
    if (!worker) throw new Error("no worker");
    const unavailable = { kind: "error", status: 503 } as const;

    // Two failed attempts of one question: below the volume threshold, the question ends with its own status.
    stack.openrouter.enqueue(unavailable, unavailable);
    expect(await (await ask(stack, user, "первый")).answer()).toMatch(/^Ошибка: \[503\] /);
    expect(await (await ask(stack, user, "второй")).answer()).toMatch(/^Ответ: второй/);

    // A third failure in four calls, over the volume threshold: the breaker opens, and the question's
    // retry fails fast instead of calling the model again.
    stack.openrouter.enqueue(unavailable);
    expect(await (await ask(stack, user, "третий")).answer()).toMatch(BREAKER_TEXT);
    await worker.waitForOutput(/"state":"open"/);

    // While open: a fast failure, and OpenRouter is not asked.
    const before = stack.openrouter.requests.length;
    expect(await (await ask(stack, user, "четвёртый")).answer()).toMatch(BREAKER_TEXT);
    expect(stack.openrouter.requests.length).toBe(before);

    // After the reset timeout one trial request goes through; its success closes the breaker.
    await worker.waitForOutput(/"state":"half_open"/);
    expect(await (await ask(stack, user, "пятый")).answer()).toMatch(/^Ответ: пятый/);
    // The last breaker state the worker logged is "closed".
    await worker.waitForOutput(/"state":"closed"[^\n]*\n(?![\s\S]*"state":)/);
    expect(await (await ask(stack, user, "шестой")).answer()).toMatch(/^Ответ: шестой/);
  });
});

describe("a user's /cancel and the breaker", () => {
  it("never counts against the model: asking and cancelling again and again leaves the model available", async () => {
    const user = stack.telegram.newUser();
    for (let i = 0; i < 5; i++) {
      const before = stack.openrouter.requests.length;
      stack.openrouter.enqueue({ kind: "hang" });
      const pending = await ask(stack, user, `передумаю ${i}`);
      await stack.openrouter.waitForRequests(before + 1);
      expect(await stack.say(user, "/cancel")).toEqual(["Отменено вопросов: 1."]);
      expect(await pending.answer()).toBe("Вопрос отменён.");
    }
    expect(await (await ask(stack, stack.telegram.newUser(), "а теперь всерьёз")).answer()).toMatch(
      /^Ответ: а теперь всерьёз/,
    );
  });
});
