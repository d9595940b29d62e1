import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { askKeys } from "../../shared/src/queue/index.js";
import { ask, PLACEHOLDER } from "../support/ask.js";
import { Stack } from "../support/stack.js";

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const CANCELLED = "Вопрос отменён.";

describe("/cancel", () => {
  it("abandons the sender's running and waiting asks, aborts the request, and no answer comes later", async () => {
    stack = await Stack.start({ workers: 1, env: { ASK_USER_MAX_IN_FLIGHT: "1" } });
    const s = stack;
    const user = s.telegram.newUser();
    s.openrouter.enqueue({ kind: "hang" });
    const running = await ask(s, user, "долгий вопрос");
    await s.openrouter.waitForRequests(1);
    const waiting = await ask(s, user, "вопрос в очереди");
    await s.telegram.waitForText(user.id, waiting.messageId, (t) => t.startsWith("⏳ Ваш вопрос в очереди"));
    expect(s.telegram.textOf(user.id, waiting.messageId)).toMatch(/перед ним ещё 1 ваш вопрос/);

    expect(await s.say(user, "/cancel")).toEqual(["Отменено вопросов: 2."]);
    expect(await running.answer()).toBe(CANCELLED);
    expect(await waiting.answer()).toBe(CANCELLED);
    // The running ask was aborted in the worker; the waiting one was removed from the queue and never ran.
    await s.workers[0]?.waitForOutput(/"outcome":"cancelled"/);
    expect(s.openrouter.requests).toHaveLength(1);

    // The worker is free again, and the cancelled asks stay cancelled: no late answer.
    expect(await (await ask(s, user, "новый вопрос")).answer()).toMatch(/^Ответ: новый вопрос/);
    expect(s.telegram.textOf(user.id, running.messageId)).toBe(CANCELLED);
    expect(s.telegram.textOf(user.id, waiting.messageId)).toBe(CANCELLED);
    expect(await s.say(user, "/cancel")).toEqual(["Отменять нечего: у вас нет вопросов в работе."]);
  });
});

describe("admission", () => {
  it("an ask whose placeholder Telegram refused leaves nothing pending: the next one is not queued behind it", async () => {
    stack = await Stack.start({ workers: 1 });
    const s = stack;
    const user = s.telegram.newUser();
    s.telegram.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
    // The placeholder is refused; the user is told something went wrong (in a chat that exists again).
    expect(await s.say(user, "/ask первый вопрос")).toEqual([
      "Что-то пошло не так. Попробуйте ещё раз чуть позже.",
    ]);
    const next = await ask(s, user, "второй вопрос");
    expect(s.telegram.textOf(user.id, next.messageId)).toBe(PLACEHOLDER);
    expect(await next.answer()).toMatch(/^Ответ: второй вопрос/);
    expect(s.openrouter.requests).toHaveLength(1);
  });
});

describe("fairness", () => {
  it("one user's 50 asks do not delay another user's single ask beyond one job", async () => {
    stack = await Stack.start({ workers: 1, env: { WORKER_CONCURRENCY: "2", ASK_USER_MAX_IN_FLIGHT: "1" } });
    const s = stack;
    // Each ask lasts long enough that a single ask queued behind the 50 would see many start first.
    s.openrouter.setDefault({ kind: "answer", content: "Ответ", delayMs: 30 });
    const busy = s.telegram.newUser();
    const burst: Awaited<ReturnType<typeof ask>>[] = [];
    for (let i = 0; i < 50; i++) burst.push(await ask(s, busy, `вопрос ${i}`));
    // Placeholders say at once how many of the user's own asks are ahead (sent so, not edited after).
    const shownQueued = s.telegram.calls.some(
      (c) =>
        c.method === "sendMessage" &&
        Number(c.payload.chat_id) === busy.id &&
        /перед ним ещё \d+ ваших вопрос/.test(String(c.payload.text)),
    );
    expect(shownQueued).toBe(true);

    const askedAt = Date.now();
    const single = await ask(s, s.telegram.newUser(), "мой единственный вопрос");
    expect(await single.answer(30_000)).toMatch(/^Ответ\n\n/);
    const singleRequest = s.openrouter.requests.find(
      (r) => r.messages.at(-1)?.content === "мой единственный вопрос",
    );
    // The busy user's requests that started while the single ask waited: at most the one job that was
    // picked up as it arrived (the busy user may run one ask at a time).
    const startedMeanwhile = s.openrouter.requests.filter(
      (r) => r !== singleRequest && r.at >= askedAt && r.at < (singleRequest?.at ?? 0),
    ).length;
    expect(startedMeanwhile).toBeLessThanOrEqual(1);
    for (const pending of burst) expect(await pending.answer(60_000)).toMatch(/^Ответ\n\n/);
    console.info(
      `fairness: ${startedMeanwhile} of the busy user's 50 asks started while the single ask waited`,
    );
  });
});

describe("fallback models", () => {
  it("answers with the next fallback model when the active one fails, naming it; not for the user's own faults", async () => {
    const fallbacks = ["fallback/first:free", "fallback/second:free"];
    stack = await Stack.start({
      workers: 1,
      env: { ASK_MAX_ATTEMPTS: "1", FALLBACK_MODELS: fallbacks.join(",") },
    });
    const s = stack;
    const user = s.telegram.newUser();
    const active = (await ask(s, user, "какая модель?")).answer();
    const activeKey = /модель: ([^)]+)\)$/.exec(await active)?.[1] as string;

    s.openrouter.enqueueFor(activeKey, { kind: "error", status: 503 });
    s.openrouter.enqueueFor(fallbacks[0] as string, { kind: "error", status: 429 });
    s.openrouter.enqueueFor(fallbacks[1] as string, { kind: "answer", content: "Ответ запасной модели" });
    expect(await (await ask(s, user, "выручай")).answer()).toMatch(
      /^Ответ запасной модели\n\n\(\d+ мс; модель: fallback\/second:free\)$/,
    );

    const before = s.openrouter.requests.length;
    s.openrouter.enqueueFor(activeKey, { kind: "error", status: 400 });
    expect(await (await ask(s, user, "плохой запрос")).answer()).toMatch(/^Ошибка: \[400\] /);
    expect(s.openrouter.requests.slice(before).map((r) => r.model)).toEqual([activeKey]);

    const metrics = await (await fetch(`${await s.workers[0]?.metricsUrl()}/metrics`)).text();
    expect(metrics).toMatch(/ask_fallbacks_total\{[^}]*model="fallback\/second:free"[^}]*\} 1/);
  });
});

describe("the per-user running slot", () => {
  it("is held for as long as the ask may last (its deadline), not just one request timeout", async () => {
    stack = await Stack.start({
      workers: 1,
      env: {
        OPENROUTER_TIMEOUT_MS: "1000",
        OPENROUTER_STREAM_TIMEOUT_MS: "600000",
        ASK_DEADLINE_MS: "600000",
        SHUTDOWN_GRACE_MS: "1000",
      },
    });
    const s = stack;
    const user = s.telegram.newUser();
    // A stream that keeps coming for a long time: the user's slot must outlast it.
    s.openrouter.enqueue({
      kind: "stream",
      chunks: Array.from({ length: 1000 }, () => "слово "),
      chunkDelayMs: 500,
    });
    const pending = await ask(s, user, "очень длинный ответ");
    await s.openrouter.waitForRequests(1);
    const redis = new Redis(inject("redisUrl"));
    const expiry = Number(
      await redis.zscore(
        askKeys(s.env.QUEUE_PREFIX as string).running(user.id),
        `tg-update-${pending.update.update_id}`,
      ),
    );
    redis.disconnect();
    expect(expiry - Date.now()).toBeGreaterThan(590_000);
  });
});
