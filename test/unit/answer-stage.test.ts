/**
 * The answer stage built in this process (createAnswerStage with the real OpenRouter client, breakers
 * and request slots in the real Redis) against the fake OpenRouter: what the job is told to do next.
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createAnswerStage } from "../../services/worker/src/ask/answer.js";
import { createModelBreakers } from "../../services/worker/src/ask/model-breakers.js";
import { createRequestLimit } from "../../services/worker/src/ask/request-limit.js";
import { createLogger } from "../../shared/src/logging/index.js";
import { type AskJob, askJobSchema, createWorkerConnection } from "../../shared/src/queue/index.js";
import { MODEL, useFakeOpenRouter } from "../support/openrouter-client.js";
import { noEndpoints } from "../support/openrouter-shapes.js";

const FALLBACK = "qwen/qwen3-coder:free";
const openrouter = useFakeOpenRouter();
let redis: Redis;

beforeAll(() => {
  redis = createWorkerConnection(inject("redisUrl"));
});
afterAll(() => redis.quit());

/** The stage as the worker builds it, with what it reported on the side. */
function stage() {
  const gone: string[] = [];
  const fallbacks: string[] = [];
  const answer = createAnswerStage({
    llm: createModelBreakers(openrouter.client(), {
      volumeThreshold: 10,
      errorPercent: 50,
      windowMs: 60_000,
      resetMs: 30_000,
    }),
    requests: createRequestLimit(redis, `${inject("runId")}:requests:${randomBytes(4).toString("hex")}`, 60),
    retry: { maxAttempts: 3, baseMs: 200, deadlineMs: 60_000 },
    timeoutMs: 5_000,
    logger: createLogger({ level: "silent", service: "test", secrets: [] }),
    onBreakerOpen: () => {},
    onFallback: (modelKey) => void fallbacks.push(modelKey),
    onModelGone: (modelKey) => void gone.push(modelKey),
  });
  return { answer, gone, fallbacks };
}

const ask = (question: string): AskJob =>
  askJobSchema.parse({
    chatId: 1001,
    placeholderMessageId: 7,
    userId: 1001,
    question,
    modelKey: MODEL,
    fallbackModelKeys: [FALLBACK],
    enqueuedAt: Date.now(),
  });

const input = (job: AskJob, attempt: number) => ({
  jobId: `job-${randomBytes(4).toString("hex")}`,
  ask: job,
  messages: [{ role: "user" as const, content: job.question }],
  maxTokens: 500,
  attempt,
  stop: new AbortController().signal,
});

describe("answer stage", () => {
  it("a retryable 503 asks the same model again on the next attempt, which answers", async () => {
    const { answer, fallbacks } = stage();
    const job = ask("Сколько будет два плюс два?");
    openrouter.fake().enqueue({ kind: "error", status: 503 }, { kind: "answer", content: "Четыре." });

    const first = await answer(input(job, 1));
    expect(first).toMatchObject({ kind: "retry", failure: { kind: "status", status: 503 } });
    // The retry waits; it does not go to the fallback meanwhile.
    expect(openrouter.fake().requests.map((r) => r.model)).toEqual([MODEL]);

    const second = await answer(input(job, 2));
    expect(second).toMatchObject({ kind: "answer", content: "Четыре.", modelKey: MODEL });
    expect(fallbacks).toEqual([]);
  });

  it("a model OpenRouter says is gone goes to the fallback at once and is reported gone", async () => {
    const { answer, gone, fallbacks } = stage();
    openrouter.fake().enqueueFor(MODEL, noEndpoints(MODEL));
    openrouter.fake().enqueueFor(FALLBACK, { kind: "answer", content: "Ответ запасной модели." });

    const result = await answer(input(ask("Что такое монада?"), 1));

    expect(result).toMatchObject({ kind: "answer", content: "Ответ запасной модели.", modelKey: FALLBACK });
    expect(openrouter.fake().requests.map((r) => r.model)).toEqual([MODEL, FALLBACK]);
    expect(gone).toEqual([MODEL]);
    expect(fallbacks).toEqual([FALLBACK]);
  });

  it("the user's own fault (402, no credits) fails at once: no retry, no fallback", async () => {
    const { answer, gone } = stage();
    openrouter.fake().enqueue({ kind: "error", status: 402, message: "Insufficient credits" });

    const result = await answer(input(ask("Напиши стихотворение"), 1));

    expect(result).toMatchObject({ kind: "failure", failure: { kind: "status", status: 402 } });
    expect(openrouter.fake().requests.map((r) => r.model)).toEqual([MODEL]);
    expect(gone).toEqual([]);
  });
});
