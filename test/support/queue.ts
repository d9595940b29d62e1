import { Redis } from "ioredis";
import { inject } from "vitest";
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
