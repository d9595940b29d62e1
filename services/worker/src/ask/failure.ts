import type { MediaKind } from "@notesbot/shared/domain";
import type { Texts } from "@notesbot/shared/texts";
import { OpenRouterError } from "../openrouter/index.js";

/** Why an ask failed, as a value; `failureText` is the one place that turns it into words. */
export type AskFailure =
  | { kind: "status"; status: number; retryable: boolean; retryAfterMs: number | undefined }
  /** A 429 of OpenRouter's free daily cap (every free model refuses until `resetAt`, epoch ms). */
  | { kind: "daily_cap"; resetAt: number }
  /** One request ran out of time (OPENROUTER_TIMEOUT_MS, or OPENROUTER_STREAM_TIMEOUT_MS for a whole stream). */
  | { kind: "timeout"; limitMs: number }
  | { kind: "network" }
  | { kind: "empty_answer" }
  /** No answer: the provider's content filter withheld it (finish_reason "content_filter"). */
  | { kind: "content_filter" }
  /** No answer: the model's output limit ran out first (finish_reason "length"), e.g. on reasoning. */
  | { kind: "length" }
  /** OpenRouter says the model does not exist (400) or has no endpoint (404): the model's fault. */
  | { kind: "model_gone"; status: number }
  | { kind: "missing_key" }
  | { kind: "breaker_open" }
  /** The whole ask ran out of time (ASK_DEADLINE_MS from the question). */
  | { kind: "deadline"; limitMs: number }
  /** No request slot (OPENROUTER_RPM) is free before the ask's deadline (`limitMs` from the question). */
  | { kind: "queue_full"; limitMs: number }
  /** Something of ours failed for good (a bug, or a dependency that stayed down past the bound). */
  | { kind: "internal" }
  /** The question's photo, voice or document could not be used; no model was asked about it (media.ts). */
  | { kind: "media"; problem: MediaProblem };

/** Why a medium could not be used: its label is what the user reads in brackets. */
export type MediaProblem =
  /** Telegram did not give the file (`detail`: its status, or "network"/"timeout"). */
  | { label: "download"; detail: string }
  /** Past `limit` bytes (`size` when known); `telegram`: past the Bot API's own download limit. */
  | { label: "too_big"; media: MediaKind; size: number | undefined; limit: number; telegram: boolean }
  | { label: "unreadable"; fileName: string }
  /** A text file longer than the model's context takes (`tokens` by the estimate). */
  | { label: "too_long"; fileName: string; tokens: number; context: number }
  /** The transcribing model heard no words. */
  | { label: "no_speech" };

export class BreakerOpenError extends Error {
  override name = "BreakerOpenError";
}

/**
 * Failures of OpenRouter or of the breaker in front of it; anything else (an abort of ours, a bug)
 * is not OpenRouter's: undefined. `timeoutMs` is the request timeout, for a timeout without a limit.
 */
export function classifyFailure(error: unknown, timeoutMs: number): AskFailure | undefined {
  if (error instanceof BreakerOpenError) return { kind: "breaker_open" };
  if (!(error instanceof OpenRouterError)) return undefined;
  switch (error.kind) {
    case "http":
      if (error.dailyCapResetAt !== undefined) return { kind: "daily_cap", resetAt: error.dailyCapResetAt };
      if (error.modelGone) return { kind: "model_gone", status: error.status ?? 404 };
      return {
        kind: "status",
        status: error.status ?? 502,
        retryable: error.retryable,
        retryAfterMs: error.retryAfterMs,
      };
    case "timeout":
      return { kind: "timeout", limitMs: error.limitMs ?? timeoutMs };
    case "network":
    case "missing_key":
    case "empty_answer":
    case "content_filter":
    case "length":
      return { kind: error.kind };
  }
}

/**
 * The one definition of "the user's fault": the request itself or the bot's account is refused (400
 * bad request, 401 key, 402 credits, 403 moderation, the key's free daily cap, or no key at all). Another
 * (free) model would refuse the same request, and the model's health is not in question: not retried,
 * no fallback, not counted by the breaker. Not among them: a 404, which OpenRouter sends when this
 * model (or every provider of it) is gone — the model's fault: a fallback may well answer, and the
 * breaker counts it; nor a 400 saying the model ID is not valid (kind "model_gone": a free model
 * OpenRouter removed).
 */
export function isUsersFault(failure: AskFailure): boolean {
  return (
    failure.kind === "missing_key" ||
    failure.kind === "daily_cap" ||
    (failure.kind === "status" && failure.status <= 403)
  );
}

export function isRetryable(failure: AskFailure): boolean {
  return failure.kind === "status"
    ? failure.retryable
    : failure.kind === "timeout" || failure.kind === "network";
}

/** The short label shown in brackets and logged: the HTTP status, or what happened instead of one. */
export function failureLabel(failure: AskFailure): string {
  if (failure.kind === "queue_full") return "queue";
  if (failure.kind === "media") return failure.problem.label;
  return failure.kind === "status" || failure.kind === "model_gone" ? String(failure.status) : failure.kind;
}

export function failureText(texts: Texts, failure: AskFailure, modelKey: string): string {
  const t = texts.ask;
  const seconds = (ms: number) => Math.round(ms / 1000);
  switch (failure.kind) {
    case "status":
      return t.failure(String(failure.status), t.statusExplanations[failure.status] ?? t.unknownStatus);
    case "daily_cap":
      return t.failure("429", t.dailyCap(new Date(failure.resetAt).toISOString().slice(11, 16)));
    case "timeout":
      return t.failure("timeout", t.timeout(seconds(failure.limitMs)));
    case "network":
      return t.failure("network", t.network);
    case "empty_answer":
      return t.failure("empty", t.emptyAnswer);
    case "content_filter":
      return t.failure("content_filter", t.contentFiltered);
    case "length":
      return t.failure("length", t.lengthBeforeAnswer);
    case "model_gone":
      return t.failure(String(failure.status), t.modelGone(modelKey));
    case "missing_key":
      return t.missingKey;
    case "breaker_open":
      return t.breakerOpen(modelKey);
    case "deadline":
      return t.failure("deadline", t.deadline(seconds(failure.limitMs)));
    case "queue_full":
      return t.failure("queue", t.queueFull(seconds(failure.limitMs)));
    case "internal":
      return t.failure("internal", t.internal);
    case "media":
      return t.failure(failure.problem.label, mediaExplanation(texts, failure.problem, modelKey));
  }
}

function mediaExplanation(texts: Texts, problem: MediaProblem, modelKey: string): string {
  const t = texts.media;
  switch (problem.label) {
    case "download":
      return t.downloadFailed(problem.detail);
    case "too_big":
      return problem.telegram || problem.size === undefined
        ? t.tooBigForTelegram
        : t.tooBig(problem.media, problem.size, problem.limit);
    case "unreadable":
      return t.unreadable(problem.fileName);
    case "too_long":
      return t.fileTooLong(problem.fileName, modelKey, problem.tokens, problem.context);
    case "no_speech":
      return t.noSpeech;
  }
}
