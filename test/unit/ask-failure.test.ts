import { describe, expect, it } from "vitest";
import { type AskFailure, isRetryable, isUsersFault } from "../../services/worker/src/ask/failure.js";

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
});
