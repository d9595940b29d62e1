/**
 * The gateway's /ask when Redis goes away between the admission of an ask and the job: the ask is
 * withdrawn (it no longer counts as pending once Redis is back) and no placeholder is left "⏳".
 */
import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { askKeys } from "../../shared/src/queue/index.js";
import { ask, isFinal, PLACEHOLDER } from "../support/ask.js";
import { eventually } from "../support/queue.js";
import { Stack } from "../support/stack.js";
import { TcpProxy } from "../support/tcp-proxy.js";

const UNAVAILABLE =
  "Вопросы к модели сейчас недоступны: очередь не отвечает. Попробуйте через минуту. Заметки работают как обычно.";

let stack: Stack | undefined;
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * A stack whose Redis is behind a proxy; one /ask is admitted, then Redis is cut while its placeholder
 * is on its way, so adding its job fails. `beforeRelease` runs just before the placeholder goes out.
 */
async function askLosingItsJob(beforeRelease: (s: Stack) => void = () => {}) {
  const target = new URL(inject("redisUrl"));
  const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
  cleanups.push(() => proxy.close());
  stack = await Stack.start({ workers: 1, env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}` } });
  const s = stack;
  const user = s.telegram.newUser();
  const placeholder = s.telegram.hold((c) => c.method === "sendMessage" && c.payload.chat_id === user.id);
  s.telegram.sendText(user, "/ask вопрос без очереди");
  await s.telegram.waitForCall((c) => c.method === "sendMessage" && c.payload.chat_id === user.id);
  proxy.block();
  // The gateway knows Redis is gone (its readiness says so) before adding the job: the add is refused at
  // once rather than sent, so it cannot land late when Redis is back.
  const readiness = async () => (await fetch(`${await s.gateway.metricsUrl()}/readyz`)).status;
  expect(await eventually(readiness, (status) => status === 503, 15_000)).toBe(503);
  beforeRelease(s);
  placeholder.release();
  const [sent] = await s.telegram.repliesTo(user.id, 1, 0);
  return { s, user, proxy, messageId: sent?.messageId as number };
}

/** Once Redis is back, the user's next ask is not queued behind the one that never got its job. */
async function nextAskRunsAtOnce(s: Stack, userId: number, proxy: TcpProxy) {
  proxy.unblock();
  const redis = new Redis(inject("redisUrl"));
  cleanups.push(async () => redis.disconnect());
  const pending = askKeys(s.env.QUEUE_PREFIX as string).pending(userId);
  expect(
    await eventually(
      () => redis.zcard(pending),
      (n) => n === 0,
      30_000,
    ),
  ).toBe(0);
  const user = { id: userId, is_bot: false, first_name: "Тест", language_code: "ru" };
  const next = await ask(s, user, "следующий вопрос");
  expect(s.telegram.textOf(userId, next.messageId)).toBe(PLACEHOLDER);
  expect(await next.answer(30_000)).toMatch(/^Ответ: следующий вопрос/);
}

describe("/ask when adding its job fails after the admission", () => {
  it("the placeholder says /ask is unavailable, and the ask no longer counts as pending once Redis is back", async () => {
    const { s, user, proxy, messageId } = await askLosingItsJob();
    expect(await s.telegram.waitForText(user.id, messageId, isFinal, 15_000)).toBe(UNAVAILABLE);
    await nextAskRunsAtOnce(s, user.id, proxy);
    expect(s.openrouter.requests).toHaveLength(1);
  });

  it("a placeholder that cannot be edited is deleted and a new message says /ask is unavailable", async () => {
    const { s, user, proxy, messageId } = await askLosingItsJob((s) =>
      s.telegram.failNext("editMessageText", {
        error_code: 400,
        description: "Bad Request: message can't be edited",
      }),
    );
    const [told] = await s.telegram.repliesTo(user.id, 1, 1, 15_000);
    expect(told?.payload.text).toBe(UNAVAILABLE);
    expect(s.telegram.textOf(user.id, messageId)).toBeUndefined();
    await nextAskRunsAtOnce(s, user.id, proxy);
  });
});
