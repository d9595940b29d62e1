import { describe, expect, it } from "vitest";
import type { AskFailure } from "../../services/worker/src/ask/failure.js";
import { mayRetry, retryDelayMs } from "../../services/worker/src/ask/retry.js";

const policy = { maxAttempts: 4, baseMs: 2_000, deadlineMs: 180_000 };
const status = (code: number, retryAfterMs?: number): AskFailure => ({
  kind: "status",
  status: code,
  retryable: true,
  retryAfterMs,
});

describe("retry policy", () => {
  it("backs off exponentially with up to 50% jitter", () => {
    expect([1, 2, 3].map((n) => retryDelayMs(policy, n, status(503), () => 0))).toEqual([
      2_000, 4_000, 8_000,
    ]);
    expect(retryDelayMs(policy, 1, status(503), () => 1)).toBe(3_000);
  });

  it("honours Retry-After when it asks for longer, capped at a minute", () => {
    expect(retryDelayMs(policy, 1, status(429, 10_000), () => 0)).toBe(10_000);
    expect(retryDelayMs(policy, 1, status(429, 500), () => 0)).toBe(2_000);
    expect(retryDelayMs(policy, 1, status(429, 3_600_000), () => 0)).toBe(60_000);
  });

  it("stops after the last attempt or past the deadline", () => {
    const now = 1_000_000;
    expect(mayRetry(policy, 3, 1_000, now, now)).toBe(true);
    expect(mayRetry(policy, 4, 1_000, now, now)).toBe(false);
    expect(mayRetry(policy, 1, 60_000, now - 150_000, now)).toBe(false);
  });
});
