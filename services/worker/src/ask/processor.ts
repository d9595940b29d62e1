import type { Logger } from "@notesbot/shared/logging";
import { type AskJob, type AskProgress, askJobSchema, askProgressSchema } from "@notesbot/shared/queue";
import type { Texts } from "@notesbot/shared/texts";
import { type Job, UnrecoverableError } from "bullmq";
import type { Api } from "grammy";
import { type AskFailure, classifyFailure, failureLabel, failureText, isRetryable } from "./failure.js";
import type { ModelBreakers } from "./model-breakers.js";
import { mayRetry, type RetryPolicy, retryDelayMs } from "./retry.js";
import { createAskMessenger, renderAnswer } from "./telegram.js";

/** Thrown to have BullMQ run the job again after `delayMs` (read by the worker's backoff strategy). */
export class RetryLaterError extends Error {
  override name = "RetryLaterError";
  constructor(
    readonly delayMs: number,
    readonly failure: AskFailure,
  ) {
    super(`retry in ${delayMs} ms after ${failureLabel(failure)}`);
  }
}

export interface AskOutcome {
  outcome: "ok" | "error";
  modelKey: string;
  durationMs: number;
}

export interface AskProcessorDeps {
  api: Api;
  llm: ModelBreakers;
  texts: Texts;
  logger: Logger;
  retry: RetryPolicy;
  timeoutMs: number;
  hasApiKey: boolean;
  onFinished?: (outcome: AskOutcome) => void;
  /** An ask failed fast because its model's breaker is open (no request was sent). */
  onBreakerOpen?: (modelKey: string) => void;
}

/**
 * Processes one ask: asks the model, then edits the placeholder into the answer. Delivery progress is
 * stored on the job, so a job re-run after a crash resumes delivery instead of answering twice.
 */
export function createAskProcessor(deps: AskProcessorDeps) {
  const { api, llm, texts, logger, retry } = deps;

  return async (job: Job<AskJob>, _token?: string, signal?: AbortSignal): Promise<void> => {
    const parsed = askJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid ask job: ${parsed.error.issues[0]?.message}`);
    const ask = parsed.data;
    const messenger = createAskMessenger(api, ask.chatId, ask.placeholderMessageId);
    const finish = (outcome: AskOutcome["outcome"]) => {
      const durationMs = Date.now() - ask.enqueuedAt;
      logger.info({ jobId: job.id, modelKey: ask.modelKey, outcome, durationMs }, "ask finished");
      deps.onFinished?.({ outcome, modelKey: ask.modelKey, durationMs });
    };

    const stored = askProgressSchema.safeParse(job.progress);
    if (stored.success) {
      await deliver(job, messenger, stored.data);
      return finish("ok");
    }

    if (!deps.hasApiKey) {
      await messenger.status(texts.ask.missingKey);
      finish("error");
      throw new UnrecoverableError("OPENROUTER_API_KEY is not set");
    }

    let answer: string;
    try {
      const completion = await llm.complete(
        ask.modelKey,
        [
          { role: "system", content: texts.ask.systemPrompt },
          { role: "user", content: ask.question },
        ],
        signal,
      );
      answer = completion.content;
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure === undefined) throw error; // not OpenRouter's: let BullMQ retry it as it is
      if (failure.kind === "breaker_open") deps.onBreakerOpen?.(ask.modelKey);
      const attempt = job.attemptsMade + 1;
      const delayMs = retryDelayMs(retry, attempt, failure);
      if (isRetryable(failure) && mayRetry(retry, attempt, delayMs, ask.enqueuedAt, Date.now())) {
        logger.warn(
          { jobId: job.id, attempt, delayMs, failure: failureLabel(failure) },
          "ask will be retried",
        );
        await messenger.status(texts.ask.retrying(failureLabel(failure), attempt + 1, retry.maxAttempts));
        throw new RetryLaterError(delayMs, failure);
      }
      logger.warn({ jobId: job.id, attempt, err: error }, "ask failed for good");
      await messenger.status(
        failureText(texts, failure, { modelKey: ask.modelKey, timeoutMs: deps.timeoutMs }),
      );
      finish("error");
      throw new UnrecoverableError(`ask failed: ${failureLabel(failure)}`);
    }

    const latencyMs = Date.now() - ask.enqueuedAt;
    const progress: AskProgress = {
      parts: renderAnswer(answer, texts.ask.footer(latencyMs, ask.modelKey)),
      sent: 0,
    };
    await job.updateProgress(progress);
    await deliver(job, messenger, progress);
    finish("ok");
  };
}

async function deliver(
  job: Job<AskJob>,
  messenger: ReturnType<typeof createAskMessenger>,
  progress: AskProgress,
): Promise<void> {
  for (let index = progress.sent; index < progress.parts.length; index++) {
    await messenger.part(index, progress.parts[index] as string);
    await job.updateProgress({ ...progress, sent: index + 1 });
  }
}
