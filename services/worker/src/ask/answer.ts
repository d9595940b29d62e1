import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@notesbot/shared/logging";
import type { AskJob } from "@notesbot/shared/queue";
import { type AnswerCut, type ChatMessage, OpenRouterError, type TokenUsage } from "../openrouter/index.js";
import { type AskFailure, classifyFailure, failureLabel, isRetryable, isUsersFault } from "./failure.js";
import type { ModelBreakers } from "./model-breakers.js";
import type { RequestLimit } from "./request-limit.js";
import { mayRetry, type RetryPolicy, retryDelayMs } from "./retry.js";
import { type StopReason, stopAfter, stopReason } from "./stop.js";

/**
 * The answer stage: the active model, its retries, the fallback models and the ask's deadline. It
 * never throws: it returns an answer, or a failure, or what the job should do next (run again later,
 * or stop). Every request is bounded by the deadline (ASK_DEADLINE_MS from the question); a timeout of
 * the active model goes to the fallbacks at once instead of trying the same model again.
 */
export function createAnswerStage(deps: AnswerStageDeps) {
  const { llm, requests, retry, logger } = deps;

  return async function answer(input: AnswerInput): Promise<AnswerResult> {
    const { ask, attempt } = input;
    const deadlineAt = ask.enqueuedAt + retry.deadlineMs;
    const deadlineFailure: AskFailure = { kind: "deadline", limitMs: retry.deadlineMs };
    if (Date.now() >= deadlineAt) return { kind: "failure", failure: deadlineFailure };
    const deadline = stopAfter(deadlineAt - Date.now(), "deadline");
    const signal = AbortSignal.any([input.stop, deadline.signal]);

    /** One request to `modelKey`: the text, or why there is none (with any text already streamed). */
    const request = async (modelKey: string, onDelta?: (delta: string) => void): Promise<Attempt> => {
      let streamed = "";
      const collect = onDelta
        ? (delta: string) => {
            streamed += delta;
            onDelta(delta);
          }
        : undefined;
      try {
        const completion = await llm.complete(modelKey, input.messages, signal, collect, input.maxTokens);
        if (completion.cut !== undefined)
          logger.info({ jobId: input.jobId, modelKey, cut: completion.cut }, "answer cut short");
        return { ok: true, content: completion.content, usage: completion.usage, cut: completion.cut };
      } catch (error) {
        const stopped = stopReason(signal);
        const failure: AskFailure =
          stopped === "deadline"
            ? deadlineFailure
            : (classifyFailure(error, deps.timeoutMs) ?? { kind: "internal" });
        if (stopped !== undefined && stopped !== "deadline") return { ok: false, stopped, streamed };
        if (failure.kind === "internal") {
          logger.error({ jobId: input.jobId, err: error }, "ask request failed");
        } else if (error instanceof OpenRouterError) {
          // OpenRouter's own words (the key scrubbed), never the question or the text streamed so far.
          const fields = {
            jobId: input.jobId,
            modelKey,
            failure: failureLabel(failure),
            detail: error.message,
          };
          logger.warn(fields, "OpenRouter request failed");
        }
        if (failure.kind === "breaker_open") deps.onBreakerOpen(modelKey);
        if (failure.kind === "model_gone") deps.onModelGone(modelKey);
        return { ok: false, failure, streamed };
      }
    };

    /** Waits for a fallback's request slot within the deadline; false when none is free before it, or a stop came. */
    const requestSlot = async (modelKey: string): Promise<boolean> => {
      const slot = await requests.reserve(`${input.jobId}:${attempt}:${modelKey}`, deadlineAt);
      if (slot.kind === "none") return false;
      if (slot.kind === "wait") await sleep(slot.waitMs, undefined, { signal }).catch(() => {});
      return !signal.aborted;
    };

    /** What to do with a request that gave no complete answer. */
    const ended = (result: Exclude<Attempt, { ok: true }>, modelKey: string): AnswerResult => {
      if ("stopped" in result) return { kind: "stopped", why: result.stopped };
      // Part of the answer is already on screen: keep it, and say clearly that it broke off.
      if (result.streamed.trim() !== "") {
        logger.warn(
          { jobId: input.jobId, received: result.streamed.length, failure: failureLabel(result.failure) },
          "streamed answer broke off",
        );
        return { kind: "answer", content: result.streamed, modelKey, interrupted: result.failure };
      }
      return { kind: "failure", failure: result.failure };
    };

    const answered = (result: Extract<Attempt, { ok: true }>, modelKey: string): AnswerResult => ({
      kind: "answer",
      content: result.content,
      modelKey,
      ...(result.usage === undefined ? {} : { usage: result.usage }),
      ...(result.cut === undefined ? {} : { cut: result.cut }),
    });

    try {
      // The first request's slot was taken by the caller (see processor.ts).
      const first = await request(ask.modelKey, input.onDelta);
      if (first.ok) return answered(first, ask.modelKey);
      const outcome = ended(first, ask.modelKey);
      if (outcome.kind !== "failure") return outcome;
      const failure = outcome.failure;
      if (failure.kind === "deadline" || isUsersFault(failure)) return outcome;

      const fallbacks = ask.fallbackModelKeys;
      // A hang is not worth waiting out again on the same model while another may answer.
      const sameModel = isRetryable(failure) && !(failure.kind === "timeout" && fallbacks.length > 0);
      const delayMs = retryDelayMs(retry, attempt, failure);
      if (sameModel && mayRetry(retry, attempt, delayMs, ask.enqueuedAt, Date.now())) {
        return { kind: "retry", delayMs, failure };
      }

      for (const modelKey of fallbacks) {
        if (!(await requestSlot(modelKey))) break;
        const result = await request(modelKey);
        if (result.ok) {
          logger.info(
            { jobId: input.jobId, from: ask.modelKey, to: modelKey },
            "answered by a fallback model",
          );
          deps.onFallback(modelKey);
          return answered(result, modelKey);
        }
        if ("stopped" in result) return { kind: "stopped", why: result.stopped };
        if (result.failure.kind === "deadline") return { kind: "failure", failure: deadlineFailure };
        if (isUsersFault(result.failure)) break;
      }
      const stopped = stopReason(input.stop);
      if (stopped !== undefined && stopped !== "deadline") return { kind: "stopped", why: stopped };
      return { kind: "failure", failure: stopReason(signal) === "deadline" ? deadlineFailure : failure };
    } catch (error) {
      // Only a fallback's request slot can throw (Redis): the job runs again later.
      logger.warn({ jobId: input.jobId, err: error }, "request slot unavailable");
      return { kind: "defer", delayMs: 1_000 };
    } finally {
      deadline.clear();
    }
  };
}

type Attempt =
  | { ok: true; content: string; usage: TokenUsage | undefined; cut: AnswerCut | undefined }
  | { ok: false; failure: AskFailure; streamed: string }
  | { ok: false; stopped: Exclude<StopReason, "deadline">; streamed: string };

export type AnswerResult =
  /**
   * The answer; `interrupted` when a stream broke off and `content` is what came; `cut` when the model
   * finished by its length limit or a content filter, so `content` is not whole; OpenRouter's `usage`.
   */
  | {
      kind: "answer";
      content: string;
      modelKey: string;
      interrupted?: AskFailure;
      cut?: AnswerCut;
      usage?: TokenUsage;
    }
  | { kind: "failure"; failure: AskFailure }
  /** Ask the same model again after `delayMs` (the job's next attempt). */
  | { kind: "retry"; delayMs: number; failure: AskFailure }
  /** Redis failed while a request slot was reserved: run the job again after `delayMs`, no attempt used. */
  | { kind: "defer"; delayMs: number }
  | { kind: "stopped"; why: Exclude<StopReason, "deadline"> };

export interface AnswerInput {
  jobId: string;
  ask: AskJob;
  messages: ChatMessage[];
  /** `max_tokens` of its requests (see prompt.ts, answerTokens). */
  maxTokens: number;
  /** This run's attempt number, the first being 1. */
  attempt: number;
  /** Aborted with a STOP reason: /cancel, shutdown, undeliverable chat. */
  stop: AbortSignal;
  /** Streams the active model's answer, each new piece passed on. */
  onDelta?: (delta: string) => void;
}

export interface AnswerStageDeps {
  llm: ModelBreakers;
  requests: RequestLimit;
  retry: RetryPolicy;
  /** OPENROUTER_TIMEOUT_MS, named in a timeout's text. */
  timeoutMs: number;
  logger: Logger;
  onBreakerOpen: (modelKey: string) => void;
  onFallback: (modelKey: string) => void;
  /** OpenRouter said `modelKey` does not exist or has no endpoint; must return at once and never throw. */
  onModelGone: (modelKey: string) => void;
}
