import { OpenRouterError } from "@notesbot/shared/openrouter";
import type { Texts } from "@notesbot/shared/texts";

/** Why an ask failed, as a value; `failureText` is the one place that turns it into words. */
export type AskFailure =
  | { kind: "status"; status: number; retryable: boolean; retryAfterMs: number | undefined }
  | { kind: "timeout" }
  | { kind: "network" }
  | { kind: "empty_answer" }
  | { kind: "missing_key" }
  | { kind: "breaker_open" };

export class BreakerOpenError extends Error {
  override name = "BreakerOpenError";
}

/** Failures of OpenRouter or of the breaker in front of it; anything else is not ours to classify. */
export function classifyFailure(error: unknown): AskFailure | undefined {
  if (error instanceof BreakerOpenError) return { kind: "breaker_open" };
  if (!(error instanceof OpenRouterError)) return undefined;
  switch (error.kind) {
    case "http":
      return {
        kind: "status",
        status: error.status ?? 502,
        retryable: error.retryable,
        retryAfterMs: error.retryAfterMs,
      };
    case "timeout":
    case "network":
    case "missing_key":
    case "empty_answer":
      return { kind: error.kind };
  }
}

export function isRetryable(failure: AskFailure): boolean {
  return failure.kind === "status"
    ? failure.retryable
    : failure.kind === "timeout" || failure.kind === "network";
}

/** The short label shown in brackets: the HTTP status, or what happened instead of one. */
export function failureLabel(failure: AskFailure): string {
  return failure.kind === "status" ? String(failure.status) : failure.kind;
}

export function failureText(
  texts: Texts,
  failure: AskFailure,
  context: { modelKey: string; timeoutMs: number },
): string {
  const t = texts.ask;
  switch (failure.kind) {
    case "status":
      return t.failure(String(failure.status), t.statusExplanations[failure.status] ?? t.unknownStatus);
    case "timeout":
      return t.failure("timeout", t.timeout(Math.round(context.timeoutMs / 1000)));
    case "network":
      return t.failure("network", t.network);
    case "empty_answer":
      return t.failure("empty", t.emptyAnswer);
    case "missing_key":
      return t.missingKey;
    case "breaker_open":
      return t.breakerOpen(context.modelKey);
  }
}
