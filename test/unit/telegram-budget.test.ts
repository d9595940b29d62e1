import { once } from "node:events";
import { Api } from "grammy";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { createStreamPreview } from "../../services/worker/src/ask/stream-preview.js";
import { createChatMessages } from "../../services/worker/src/chat-messages.js";
import { createLogger } from "../../shared/src/logging/index.js";
import { createWorkerMetrics } from "../../shared/src/metrics/index.js";
import { askKeys, createProducerConnection } from "../../shared/src/queue/index.js";
import { createTelegramBudget, TELEGRAM_BUDGET } from "../../shared/src/telegram-budget/index.js";
import { createQueuePrefix } from "../support/database.js";
import { FloodControl } from "../support/fake-flood.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { freePort } from "../support/ports.js";
import { TcpProxy } from "../support/tcp-proxy.js";

/**
 * The shared Telegram budget against the real Redis: two budgets on one prefix stand for two processes
 * (the gateway and a worker, or two workers) sharing it.
 */

const logger = createLogger({ level: "silent", service: "test", secrets: [] });
const connections: Redis[] = [];
let telegram: FakeTelegram;

/** A budget of its own process (connection, metrics) on `prefix`, once connected (unless `unreachable`). */
async function budgetOn(prefix: string, { url = inject("redisUrl"), unreachable = false } = {}) {
  const redis = createProducerConnection(url);
  redis.on("error", () => {});
  connections.push(redis);
  if (!unreachable) await once(redis, "ready");
  const keys = askKeys(prefix);
  const metrics = createWorkerMetrics(async () => 0);
  const budget = createTelegramBudget({
    redis,
    keys: { all: keys.telegramBudget, chat: keys.telegramBudgetChat },
    metrics: metrics.telegramBudget,
    logger,
  });
  const count = async (name: string) => {
    const found = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
    return (found?.values as { value: number }[] | undefined)?.reduce((sum, v) => sum + v.value, 0) ?? 0;
  };
  return { budget, count };
}

/** Redis' clock and ours differ by a round trip (the reply's way back); generous for a loaded machine. */
const ROUND_TRIP_MS = 100;

/** When a first call to `chat` may go by the budget, on our clock. */
async function goesAt(budget: Awaited<ReturnType<typeof budgetOn>>["budget"], chat: number) {
  const wait = await budget.reserve(chat, "first");
  return Date.now() + (wait as number);
}

/** An Api through `budget` as `kind`, as the services build theirs. */
function apiThrough(budget: Awaited<ReturnType<typeof budgetOn>>["budget"], kind: "first" | "spare") {
  const api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
  api.config.use(budget.transformer(kind));
  return api;
}

beforeAll(async () => {
  telegram = await FakeTelegram.start();
});

// A test's flood control ends with it, also when the test fails half-way.
afterEach(() => {
  telegram.guards.length = 0;
});

afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await telegram.close();
});

describe("the Telegram budget", () => {
  it("gives a private chat 3 calls at once, then about one a second, in order, across processes", async () => {
    const prefix = createQueuePrefix();
    const [a, b] = await Promise.all([budgetOn(prefix), budgetOn(prefix)]);
    const chat = telegram.newUser().id;
    const times: number[] = [];
    for (let i = 0; i < 6; i++) times.push(await goesAt((i % 2 === 0 ? a : b).budget, chat));
    const interval = TELEGRAM_BUDGET.privateChat.intervalMs;
    const slots = [0, 0, 0, interval, 2 * interval, 3 * interval];
    times.forEach((at, i) => {
      expect(at - (times[0] as number)).toBeGreaterThanOrEqual((slots[i] as number) - ROUND_TRIP_MS);
      expect(at - (times[0] as number)).toBeLessThanOrEqual((slots[i] as number) + ROUND_TRIP_MS);
    });
  });

  it("gives a group 3 calls at once, then at most 20 in any minute", async () => {
    const { budget } = await budgetOn(createQueuePrefix());
    const group = -Math.floor(1e12 + Math.random() * 1e9);
    const waits: number[] = [];
    for (let i = 0; i < 25; i++) waits.push((await budget.reserve(group, "first")) as number);
    // Sliding over the reserved times: never more than 20 within 60 s.
    for (let i = 0; i + 20 < waits.length; i++)
      expect((waits[i + 20] as number) - (waits[i] as number)).toBeGreaterThanOrEqual(60_000 - 50);
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
  });

  it("spreads calls to many chats at the rate in all, and spare calls get nothing while first ones wait", async () => {
    const { budget } = await budgetOn(createQueuePrefix());
    const times: number[] = [];
    for (let i = 0; i < 60; i++) times.push(await goesAt(budget, telegram.newUser().id));
    // 60 calls at the rate in all after its burst: the last goes (60 - burst) / rate after the first.
    const last = ((60 - TELEGRAM_BUDGET.burst) / TELEGRAM_BUDGET.perSecond) * 1000;
    expect((times.at(-1) as number) - (times[0] as number)).toBeGreaterThan(last - ROUND_TRIP_MS);
    expect((times.at(-1) as number) - (times[0] as number)).toBeLessThan(last + ROUND_TRIP_MS);
    // A preview for a chat that has sent nothing yet: skipped, not queued behind them.
    expect(await budget.reserve(telegram.newUser().id, "spare")).toBeUndefined();
  });

  it("lets a spare call go only while a first call would still find room in its chat", async () => {
    const { budget } = await budgetOn(createQueuePrefix());
    const chat = telegram.newUser().id;
    expect(await budget.reserve(chat, "first")).toBe(0); // the placeholder
    expect(await budget.reserve(chat, "spare")).toBe(0); // a preview: one call left after it
    expect(await budget.reserve(chat, "spare")).toBeUndefined(); // would leave none for the answer
    expect(await budget.reserve(chat, "first")).toBe(0); // the answer goes at once
  });

  it("after a 429, holds the chat for retry_after and slows the calls in all", async () => {
    const { budget, count } = await budgetOn(createQueuePrefix());
    const chat = telegram.newUser().id;
    const heldAt = Date.now();
    await budget.slowDown(chat, 3);
    expect(await count("telegram_budget_slowdowns_total")).toBe(1);
    expect(await budget.reserve(chat, "spare")).toBeUndefined();
    const held = (await goesAt(budget, chat)) - heldAt;
    expect(held).toBeGreaterThan(3_000 - ROUND_TRIP_MS);
    expect(held).toBeLessThanOrEqual(3_000 + ROUND_TRIP_MS);
    // A retry_after longer than any caller waits out gives that call up; it does not hold the chat's lane.
    const other = telegram.newUser().id;
    await budget.slowDown(other, 600);
    expect(await budget.reserve(other, "first")).toBeLessThanOrEqual(TELEGRAM_BUDGET.privateChat.intervalMs);
    // Other chats: the rate in all is cut by 30%, so 30 calls take longer than at the full rate.
    const times: number[] = [];
    for (let i = 0; i < 30; i++) times.push(await goesAt(budget, telegram.newUser().id));
    const atFullRate = ((30 - TELEGRAM_BUDGET.burst) / TELEGRAM_BUDGET.perSecond) * 1000;
    expect((times.at(-1) as number) - (times[0] as number)).toBeGreaterThan(atFullRate * 1.2);
  });

  it("through the transformer, 5 messages to one chat and 80 to 40 chats at once meet no 429", async () => {
    const { budget } = await budgetOn(createQueuePrefix());
    const flood = new FloodControl(telegram);
    const api = apiThrough(budget, "first");
    const one = telegram.newUser().id;
    const many = Array.from({ length: 40 }, () => telegram.newUser().id);
    await Promise.all([
      // Past the chat's burst of 3, and past 30 a second in all.
      ...Array.from({ length: 5 }, (_, i) => api.sendMessage(one, `ответ ${i}`)),
      ...many.flatMap((chat) => [0, 1].map((i) => api.sendMessage(chat, `ответ ${i}`))),
    ]);
    expect(flood.refused).toBe(0);
    expect(telegram.sentTo(one)).toHaveLength(5);
  });

  it("skips a preview frame the budget has no room for: never queued, never sent, counted", async () => {
    const { budget, count } = await budgetOn(createQueuePrefix());
    const chat = telegram.newUser().id;
    const first = apiThrough(budget, "first");
    const placeholder = await first.sendMessage(chat, "⏳");
    // Two other replies use the chat's burst up.
    await first.sendMessage(chat, "1");
    await first.sendMessage(chat, "2");
    const since = telegram.calls.length;
    const preview = createStreamPreview({
      messages: createChatMessages(apiThrough(budget, "spare"), { chatId: chat }),
      chatId: chat,
      messageIds: [placeholder.message_id],
      intervalMs: 10,
      logger,
      onOpened: async () => {},
      onUndeliverable: () => {},
    });
    preview.push("Первые слова");
    await expect.poll(() => count("telegram_budget_skipped_total"), { timeout: 10_000 }).toBe(1);
    await preview.stop();
    expect(telegram.calls.slice(since).filter((c) => Number(c.payload.chat_id) === chat)).toHaveLength(0);
  });

  it("fails open: with Redis gone or stalled, calls go at once without the budget (counted)", async () => {
    const gone = await budgetOn(createQueuePrefix(), {
      url: `redis://127.0.0.1:${await freePort()}`,
      unreachable: true,
    });
    expect(await gone.budget.take(telegram.newUser().id, "first")).toBe("go");
    expect(await gone.budget.take(telegram.newUser().id, "spare")).toBe("go");
    expect(await gone.count("telegram_budget_bypassed_total")).toBe(2);

    const redisUrl = new URL(inject("redisUrl"));
    const proxy = await TcpProxy.start({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    try {
      const stalled = await budgetOn(createQueuePrefix(), { url: `redis://127.0.0.1:${proxy.port}` });
      const chat = telegram.newUser().id;
      expect(await stalled.budget.reserve(chat, "first")).toBe(0);
      proxy.stall();
      const api = apiThrough(stalled.budget, "first");
      await api.sendMessage(chat, "всё равно доставлено");
      expect(telegram.sentTo(chat)).toHaveLength(1);
      expect(await stalled.count("telegram_budget_bypassed_total")).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
