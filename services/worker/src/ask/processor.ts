import type { ConversationStore } from "@notesbot/shared/conversations";
import type { Logger } from "@notesbot/shared/logging";
import { type ChatMessage, OpenRouterError } from "@notesbot/shared/openrouter";
import {
  type AskJob,
  type AskProgress,
  askJobSchema,
  askProgressSchema,
  type UserAsks,
} from "@notesbot/shared/queue";
import type { Texts } from "@notesbot/shared/texts";
import { DelayedError, type Job, UnrecoverableError } from "bullmq";
import type { Api } from "grammy";
import type { Cancellations } from "./cancellations.js";
import { type AskFailure, classifyFailure, failureLabel, failureText, isRetryable } from "./failure.js";
import type { ModelBreakers } from "./model-breakers.js";
import { mayRetry, type RetryPolicy, retryDelayMs } from "./retry.js";
import { createStreamPreview, type DraftSupport } from "./stream-preview.js";
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
  outcome: "ok" | "error" | "cancelled";
  modelKey: string;
  durationMs: number;
}

export interface AskProcessorDeps {
  api: Api;
  llm: ModelBreakers;
  conversations: ConversationStore;
  userAsks: UserAsks;
  cancellations: Cancellations;
  texts: Texts;
  logger: Logger;
  retry: RetryPolicy;
  timeoutMs: number;
  hasApiKey: boolean;
  /** A user's asks that may run at once; the others wait (moved back to the queue for a moment). */
  perUserInFlight: number;
  /** Stream answers, editing the placeholder as they grow at most once per `intervalMs` (3× in groups). */
  streaming: { enabled: boolean; intervalMs: number };
  /** Whether this bot may stream private answers as message drafts (learnt on first use). */
  drafts: DraftSupport;
  onFinished?: (outcome: AskOutcome) => void;
  /** An ask failed fast because its model's breaker is open (no request was sent). */
  onBreakerOpen?: (modelKey: string) => void;
  /** A fallback model answered in place of the active one. */
  onFallback?: (modelKey: string) => void;
}

interface Answer {
  content: string;
  /** The model that answered (a fallback's, when the active one failed). */
  modelKey: string;
  /** A streamed answer that broke off: shown as far as it came, with a note. */
  interrupted?: boolean;
}

/** How long a job waits when its user already has the most asks running. */
const IN_FLIGHT_WAIT_MS = 500;

/** User faults are not the model's: another model would refuse the same request. */
const isUsersFault = (failure: AskFailure) =>
  failure.kind === "missing_key" ||
  (failure.kind === "status" && [400, 401, 402, 403].includes(failure.status));

/**
 * Processes one ask: asks the model (with the chat's recent turns, retries and fallbacks), then edits the
 * placeholder into the answer. Delivery progress is stored on the job, so a job re-run after a crash
 * resumes delivery instead of answering twice; a cancelled ask is never answered.
 */
export function createAskProcessor(deps: AskProcessorDeps) {
  const { api, llm, texts, logger, retry, userAsks, cancellations } = deps;

  return async (job: Job<AskJob>, token?: string, signal?: AbortSignal): Promise<void> => {
    const parsed = askJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid ask job: ${parsed.error.issues[0]?.message}`);
    const ask = parsed.data;
    const jobId = job.id as string;
    const messenger = createAskMessenger(api, ask.chatId, ask.placeholderMessageId);
    const finish = async (outcome: AskOutcome["outcome"], modelKey = ask.modelKey) => {
      await userAsks.finish(ask.userId, jobId); // no-op when already released before delivery
      const durationMs = Date.now() - ask.enqueuedAt;
      logger.info({ jobId, modelKey, outcome, durationMs }, "ask finished");
      deps.onFinished?.({ outcome, modelKey, durationMs });
    };
    const cancelled = async () => {
      await messenger.status(texts.ask.cancelled);
      await finish("cancelled");
    };

    if (await userAsks.isCancelled(jobId)) return cancelled();

    const stored = askProgressSchema.safeParse(job.progress);
    if (stored.success) {
      await userAsks.finish(ask.userId, jobId);
      await deliver(job, messenger, stored.data);
      return finish("ok");
    }

    if (!deps.hasApiKey) {
      await messenger.status(texts.ask.missingKey);
      await finish("error");
      throw new UnrecoverableError("OPENROUTER_API_KEY is not set");
    }

    if (!(await userAsks.startRunning(ask.userId, jobId, deps.perUserInFlight, deps.timeoutMs + 60_000))) {
      await job.moveToDelayed(Date.now() + IN_FLIGHT_WAIT_MS, token);
      throw new DelayedError();
    }
    const controller = cancellations.register(jobId);
    const aborted = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    try {
      if (ask.queuedBehind > 0 && job.attemptsMade === 0) await messenger.status(texts.ask.placeholder);
      const history = await deps.conversations.recent(ask.chatId);
      const messages: ChatMessage[] = [
        { role: "system", content: texts.ask.systemPrompt },
        ...history,
        { role: "user", content: ask.question },
      ];

      const preview = deps.streaming.enabled
        ? createStreamPreview({
            api,
            chatId: ask.chatId,
            placeholderMessageId: ask.placeholderMessageId,
            drafts: deps.drafts,
            intervalMs: ask.chatId < 0 ? deps.streaming.intervalMs * 3 : deps.streaming.intervalMs,
            logger,
          })
        : undefined;
      const stopPreview = async () =>
        preview ? (await preview.stop()).messageIds : [ask.placeholderMessageId];

      let answer: Answer;
      try {
        const completion = await llm.complete(ask.modelKey, messages, aborted, preview?.push);
        answer = { content: completion.content, modelKey: ask.modelKey };
      } catch (error) {
        await stopPreview();
        if (controller.signal.aborted) return await cancelled();
        const failure = classifyFailure(error);
        if (failure === undefined) throw error; // not OpenRouter's: let BullMQ retry it as it is
        const partial = error instanceof OpenRouterError ? error.partialText : "";
        if (partial.trim() !== "") {
          // Part of the answer is already on screen: keep it, and say clearly that it broke off.
          const reason = failureText(texts, failure, { modelKey: ask.modelKey, timeoutMs: deps.timeoutMs });
          logger.warn({ jobId, err: error, received: partial.length }, "streamed answer broke off");
          const content = `${partial.trimEnd()}\n\n${texts.ask.interrupted(reason)}`;
          return await finishAnswer(
            job,
            ask,
            { content, modelKey: ask.modelKey, interrupted: true },
            await stopPreview(),
          );
        }
        if (failure.kind === "breaker_open") deps.onBreakerOpen?.(ask.modelKey);
        const attempt = job.attemptsMade + 1;
        const delayMs = retryDelayMs(retry, attempt, failure);
        if (isRetryable(failure) && mayRetry(retry, attempt, delayMs, ask.enqueuedAt, Date.now())) {
          logger.warn({ jobId, attempt, delayMs, failure: failureLabel(failure) }, "ask will be retried");
          await messenger.status(texts.ask.retrying(failureLabel(failure), attempt + 1, retry.maxAttempts));
          throw new RetryLaterError(delayMs, failure);
        }
        const fallback = isUsersFault(failure) ? undefined : await tryFallbacks(ask, messages, aborted);
        if (controller.signal.aborted) return await cancelled();
        if (!fallback) {
          logger.warn({ jobId, attempt, err: error }, "ask failed for good");
          await messenger.status(
            failureText(texts, failure, { modelKey: ask.modelKey, timeoutMs: deps.timeoutMs }),
          );
          await finish("error");
          throw new UnrecoverableError(`ask failed: ${failureLabel(failure)}`);
        }
        answer = fallback;
      }

      const messageIds = await stopPreview();
      // A /cancel that came while the model was answering: the user does not get a late answer.
      if (controller.signal.aborted || (await userAsks.isCancelled(jobId))) return await cancelled();
      await finishAnswer(job, ask, answer, messageIds);
    } finally {
      cancellations.unregister(jobId);
      await userAsks.stopRunning(ask.userId, jobId);
    }
  };

  /** Renders, remembers and delivers an answer (complete or broken off) in place of the preview. */
  async function finishAnswer(
    job: Job<AskJob>,
    ask: AskJob,
    answer: Answer,
    messageIds: number[],
  ): Promise<void> {
    const jobId = job.id as string;
    const progress: AskProgress = {
      parts: renderAnswer(answer.content, texts.ask.footer(Date.now() - ask.enqueuedAt, answer.modelKey)),
      messageIds,
      sent: 0,
    };
    await job.updateProgress(progress);
    // Remembered before the user sees it, so a follow-up question always finds this turn; and no longer
    // pending, so a /cancel sent once the answer shows finds nothing left to cancel.
    await deps.conversations.append(ask.chatId, ask.question, answer.content);
    await userAsks.finish(ask.userId, jobId);
    await deliver(job, createAskMessenger(api, ask.chatId, ask.placeholderMessageId), progress);
    const durationMs = Date.now() - ask.enqueuedAt;
    const outcome = answer.interrupted ? "error" : "ok";
    logger.info({ jobId, modelKey: answer.modelKey, outcome, durationMs }, "ask finished");
    deps.onFinished?.({ outcome, modelKey: answer.modelKey, durationMs });
  }

  /** The fallback models in order, one attempt each, until one answers or the user's own fault shows. */
  async function tryFallbacks(ask: AskJob, messages: ChatMessage[], signal: AbortSignal) {
    for (const modelKey of ask.fallbackModelKeys) {
      if (signal.aborted) return undefined;
      try {
        const completion = await llm.complete(modelKey, messages, signal);
        logger.info({ from: ask.modelKey, to: modelKey }, "answered by a fallback model");
        deps.onFallback?.(modelKey);
        return { content: completion.content, modelKey };
      } catch (error) {
        const failure = classifyFailure(error);
        if (failure === undefined || isUsersFault(failure)) return undefined;
        if (failure.kind === "breaker_open") deps.onBreakerOpen?.(modelKey);
      }
    }
    return undefined;
  }
}

async function deliver(
  job: Job<AskJob>,
  messenger: ReturnType<typeof createAskMessenger>,
  progress: AskProgress,
): Promise<void> {
  for (let index = progress.sent; index < progress.parts.length; index++) {
    await messenger.part(index, progress.parts[index] as string, progress.messageIds);
    await job.updateProgress({ ...progress, sent: index + 1 });
  }
  await messenger.remove(progress.messageIds.slice(progress.parts.length));
}
