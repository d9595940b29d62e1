import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../support/ask.js";
import { Stack } from "../support/stack.js";

/** One attempt per ask, so every failure is final and shows its own text; the breaker stays out of it. */
let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({
    workers: 1,
    env: { ASK_MAX_ATTEMPTS: "1", OPENROUTER_TIMEOUT_MS: "1500", BREAKER_VOLUME_THRESHOLD: "1000" },
  });
});

afterAll(async () => {
  for (const code of await stack.stop()) expect(code).toBe(0);
});

describe("/ask final failures", () => {
  it("gives each HTTP status its own explanation, with the status in brackets", async () => {
    const user = stack.telegram.newUser();
    const texts = new Map<number, string>();
    for (const status of [400, 401, 402, 403, 404, 408, 429, 500, 502, 503, 504]) {
      stack.openrouter.enqueue({ kind: "error", status });
      const text = await (await ask(stack, user, `статус ${status}`)).answer();
      expect(text).toMatch(new RegExp(`^Ошибка: \\[${status}\\] \\S`));
      texts.set(status, text.replace(/^Ошибка: \[\d+\] /, ""));
    }
    expect(new Set(texts.values()).size).toBe(texts.size);
    expect(texts.get(503)).toBe("Сервис OpenRouter временно недоступен. Попробуйте позже.");
  });

  it("explains a timeout and a dropped connection", async () => {
    const user = stack.telegram.newUser();
    stack.openrouter.enqueue({ kind: "hang" });
    expect(await (await ask(stack, user, "зависнет")).answer()).toMatch(
      /^Ошибка: \[timeout\] Модель не ответила за/,
    );
    stack.openrouter.enqueue({ kind: "drop" });
    expect(await (await ask(stack, user, "оборвётся")).answer()).toMatch(
      /^Ошибка: \[network\] Не удалось связаться с OpenRouter/,
    );
  });
});

describe("/ask without OPENROUTER_API_KEY", () => {
  it("tells the user the key is missing and sends nothing to OpenRouter", async () => {
    const worker = await stack.addWorker({ OPENROUTER_API_KEY: "" });
    await stack.workers[0]?.stop();
    const user = stack.telegram.newUser();
    const before = stack.openrouter.requests.length;
    expect(await (await ask(stack, user, "без ключа")).answer()).toMatch(
      /^Ошибка: ключ OpenRouter \(OPENROUTER_API_KEY\) не настроен/,
    );
    expect(stack.openrouter.requests.length).toBe(before);
    expect(worker.output).not.toContain("test-openrouter-key");
  });
});
