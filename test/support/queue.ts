import { Redis } from "ioredis";
import { inject } from "vitest";
import { askJobId, createAskProducer, type NewAskJob } from "../../shared/src/queue/index.js";
import { isFinal } from "./ask.js";
import type { Stack } from "./stack.js";

/**
 * Reads an ask job's BullMQ hash in the stack's queue (fields such as `ats`, the times it was taken,
 * and `progress`), to wait for what the worker recorded.
 */
export async function waitForJob(
  stack: Stack,
  updateId: number,
  predicate: (fields: Record<string, string>) => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const redis = new Redis(inject("redisUrl"));
  const key = `${stack.env.QUEUE_PREFIX}:ask:tg-update-${updateId}`;
  const until = Date.now() + timeoutMs;
  try {
    for (;;) {
      const fields = await redis.hgetall(key);
      if (predicate(fields)) return;
      if (Date.now() > until) throw new Error(`job ${key} never matched: ${JSON.stringify(fields)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    redis.disconnect();
  }
}

let nextUpdateId = 900_000_000 + Math.floor(Math.random() * 1_000_000) * 10;

/**
 * Adds an ask job straight onto the stack's queue, as the gateway would: a placeholder message first
 * (sent through the fake Telegram's own API), then the job for it. For tests of the worker alone: any
 * kind and fields (notes, digests, locales, context lengths) without the gateway's commands that send
 * them. `answer()` waits for the final text.
 */
export async function enqueueAsk(stack: Stack, job: Partial<NewAskJob> & { userId: number }) {
  const chatId = job.chatId ?? job.userId;
  const response = await fetch(`${stack.telegram.apiRoot}/bot${stack.telegram.token}/sendMessage`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ chat_id: chatId, text: "⏳" }),
  });
  const placeholder = ((await response.json()) as { result: { message_id: number } }).result.message_id;
  const updateId = nextUpdateId++;
  const connection = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  const producer = createAskProducer({
    connection,
    prefix: stack.env.QUEUE_PREFIX as string,
    perUserPerMinute: 0,
  });
  try {
    await producer.enqueue(updateId, {
      chatId,
      placeholderMessageId: placeholder,
      question: "?",
      modelKey: "deepseek/deepseek-chat-v3.1:free",
      enqueuedAt: Date.now(),
      ...job,
    });
  } finally {
    await producer.close();
    connection.disconnect();
  }
  return {
    jobId: askJobId(updateId),
    updateId,
    chatId,
    messageId: placeholder,
    answer: (timeoutMs?: number) => stack.telegram.waitForText(chatId, placeholder, isFinal, timeoutMs),
  };
}

/** The progress the worker recorded on an ask job (parsed), as the gateway's save button reads it. */
export async function jobProgress(stack: Stack, jobId: string): Promise<unknown> {
  const redis = new Redis(inject("redisUrl"));
  try {
    const progress = await redis.hget(`${stack.env.QUEUE_PREFIX}:ask:${jobId}`, "progress");
    return progress === null ? undefined : JSON.parse(progress);
  } finally {
    redis.disconnect();
  }
}

/** Polls (every 50 ms, at most `timeoutMs`) until `read` gives a value `done` accepts; returns the last value. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
