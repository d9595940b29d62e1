import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { ask } from "../support/ask.js";
import { waitForJob } from "../support/queue.js";
import { Stack } from "../support/stack.js";

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("OPENROUTER_RPM counts OpenRouter requests, across all workers", () => {
  it("a user's asks waiting for their turn use up no requests: another user is answered at once", async () => {
    stack = await Stack.start({
      workers: 1,
      env: {
        OPENROUTER_RPM: "3",
        ASK_USER_MAX_IN_FLIGHT: "1",
        WORKER_CONCURRENCY: "4",
        SHUTDOWN_GRACE_MS: "1000",
      },
    });
    const s = stack;
    const busy = s.telegram.newUser();
    s.openrouter.enqueue({ kind: "hang" });
    await ask(s, busy, "долгий");
    await s.openrouter.waitForRequests(1);
    const waiting = await ask(s, busy, "ждёт своей очереди");
    // The waiting ask is taken from the queue and put back (its user is at the limit) again and again.
    await waitForJob(s, waiting.update.update_id, (job) => Number(job.ats ?? 0) >= 5);

    const other = await ask(s, s.telegram.newUser(), "мой вопрос");
    expect(await other.answer(15_000)).toMatch(/^Ответ: мой вопрос/);
    expect(s.openrouter.requests).toHaveLength(2);
  });

  it("fallback requests count too: no more than OPENROUTER_RPM requests in any minute", async () => {
    stack = await Stack.start({
      workers: 1,
      env: { OPENROUTER_RPM: "2", ASK_MAX_ATTEMPTS: "1", FALLBACK_MODELS: "fallback/one:free" },
    });
    const s = stack;
    s.openrouter.enqueueFor("fallback/one:free", { kind: "answer", content: "Ответ запасной модели" });
    s.openrouter.enqueue({ kind: "error", status: 503 });
    expect(await (await ask(s, s.telegram.newUser(), "первый")).answer()).toMatch(/^Ответ запасной модели/);
    expect(s.openrouter.requests).toHaveLength(2);

    const second = await ask(s, s.telegram.newUser(), "второй");
    expect(await second.answer(80_000)).toMatch(/^Ответ: второй/);
    const [first, , third] = s.openrouter.requests;
    expect((third?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(59_000);
  }, 120_000);
});

describe("OPENROUTER_RPM: waiting asks take their request slots in order", () => {
  const WAITING =
    /^⏳ Ваш вопрос в общей очереди к модели: (\d+)-й по счёту\. Ответ начнётся примерно через (\d+) мин\.$/;

  it("100 asks at 20 a minute: each waiting placeholder is told its place once, and nothing runs while they wait", async () => {
    stack = await Stack.start({
      workers: 1,
      env: { OPENROUTER_RPM: "20", WORKER_CONCURRENCY: "1", ASK_DEADLINE_MS: "600000" },
    });
    const s = stack;
    const asks: Awaited<ReturnType<typeof ask>>[] = [];
    for (let i = 0; i < 100; i++) asks.push(await ask(s, s.telegram.newUser(), `вопрос ${i}`));
    const first = asks.slice(0, 20);
    const waiting = asks.slice(20);
    for (const a of first) expect(await a.answer(30_000)).toMatch(/^Ответ: вопрос \d+/);
    const placeOf = (a: (typeof asks)[number]) =>
      WAITING.exec(s.telegram.textOf(a.chatId, a.messageId) ?? "");
    await s.telegram.until(
      () => waiting.every((a) => placeOf(a) !== null),
      30_000,
      () => `not told their place: ${waiting.filter((a) => placeOf(a) === null).length}`,
    );

    // Told once each, in the order they asked: 1st, 2nd, … 80th.
    const since = Date.now();
    expect(waiting.map((a) => Number(placeOf(a)?.[1]))).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    for (const a of waiting) {
      const edits = s.telegram.calls.filter(
        (c) =>
          c.method === "editMessageText" &&
          Number(c.payload.chat_id) === a.chatId &&
          Number(c.payload.message_id) === a.messageId,
      );
      expect(edits).toHaveLength(1);
    }

    // While they wait for the next minute's slots: how often jobs run and Telegram is called.
    const redis = new Redis(inject("redisUrl"));
    const runs = async () => {
      const keys = asks.map((a) => `${s.env.QUEUE_PREFIX}:ask:tg-update-${a.update.update_id}`);
      const taken = await Promise.all(keys.map((key) => redis.hget(key, "ats")));
      return taken.reduce((sum, n) => sum + Number(n ?? 0), 0);
    };
    const runsBefore = await runs();
    const [, next] = await Promise.all([
      s.openrouter.waitForRequests(21, 90_000),
      waiting[0]?.answer(90_000),
    ]);
    const nextAt = s.openrouter.requests[20]?.at ?? 0;
    const runsMeanwhile = (await runs()) - runsBefore;
    redis.disconnect();
    // The bot's calls into chats (its long polling aside).
    const callsMeanwhile = s.telegram.calls.filter(
      (c) => c.method !== "getUpdates" && c.at > since && c.at < nextAt,
    );
    console.info(
      `OPENROUTER_RPM 20, 100 asks: 80 waited ${Math.round((nextAt - since) / 1000)} s and more for their ` +
        `slots; meanwhile ${runsMeanwhile} job runs, ${callsMeanwhile.length} Telegram calls`,
    );
    // The next slot went to the first ask that waited; only its own job ran for it, with one edit.
    expect(next).toMatch(/^Ответ: вопрос 20\b/);
    expect(s.openrouter.requests[20]?.messages.at(-1)?.content).toBe("вопрос 20");
    expect(runsMeanwhile).toBeLessThanOrEqual(3);
    expect(callsMeanwhile.length).toBeLessThanOrEqual(2);
  }, 180_000);

  it("an ask whose slot would come after its deadline is told at once that the queue is too long", async () => {
    stack = await Stack.start({ workers: 1, env: { OPENROUTER_RPM: "1", ASK_DEADLINE_MS: "30000" } });
    const s = stack;
    expect(await (await ask(s, s.telegram.newUser(), "первый")).answer()).toMatch(/^Ответ: первый/);
    const second = await ask(s, s.telegram.newUser(), "второй");
    expect(await second.answer(10_000)).toBe(
      "Ошибка: [queue] Слишком много вопросов ждут модель: очередь вашего не подошла бы за 30 с " +
        "(предел времени на один вопрос). Спросите снова через несколько минут.",
    );
    expect(s.openrouter.requests).toHaveLength(1);
  });
});
