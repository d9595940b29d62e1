import { describe, expect, it } from "vitest";
import {
  type AskFailure,
  classifyFailure,
  isRetryable,
  isUsersFault,
} from "../../services/worker/src/ask/failure.js";
import { OpenRouterError } from "../../services/worker/src/openrouter/index.js";

const status = (code: number, retryable = false): AskFailure => ({
  kind: "status",
  status: code,
  retryable,
  retryAfterMs: undefined,
});

describe("the user's fault (one definition for retries, fallbacks and the breaker)", () => {
  it("is a refused request or account: 400, 401, 402, 403, or no API key", () => {
    for (const code of [400, 401, 402, 403]) expect(isUsersFault(status(code)), String(code)).toBe(true);
    expect(isUsersFault({ kind: "missing_key" })).toBe(true);
  });

  it("is not a 404 (the model is gone: a fallback may answer) nor anything the model or we did", () => {
    for (const code of [404, 408, 429, 500, 502, 503, 504])
      expect(isUsersFault(status(code)), String(code)).toBe(false);
    for (const failure of [
      { kind: "timeout", limitMs: 1000 },
      { kind: "network" },
      { kind: "breaker_open" },
      { kind: "deadline", limitMs: 1000 },
      { kind: "empty_answer" },
    ] as const)
      expect(isUsersFault(failure), failure.kind).toBe(false);
  });

  it("a 404 is not retried on the same model either", () => {
    expect(isRetryable(status(404))).toBe(false);
    expect(isRetryable(status(503, true))).toBe(true);
  });

  it("a model OpenRouter says is gone (even as a 400), a content filter and an output limit are the model's: fallbacks, counted by the breaker, not retried on it", () => {
    const gone = classifyFailure(
      new OpenRouterError("http", "OpenRouter error 400: x is not a valid model ID", {
        status: 400,
        modelGone: true,
      }),
      1000,
    );
    expect(gone).toEqual({ kind: "model_gone", status: 400 });
    for (const failure of [
      gone as AskFailure,
      classifyFailure(new OpenRouterError("content_filter", "filtered"), 1000) as AskFailure,
      classifyFailure(new OpenRouterError("length", "no answer"), 1000) as AskFailure,
    ]) {
      expect(isUsersFault(failure), failure.kind).toBe(false);
      expect(isRetryable(failure), failure.kind).toBe(false);
    }
  });
});
