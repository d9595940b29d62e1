/** Telling OpenRouter's free daily cap from its per-minute limit, and when the cap resets. */
import { describe, expect, it } from "vitest";
import { dailyCapResetAt } from "../../services/worker/src/openrouter/errors.js";

const NOW = Date.parse("2026-12-01T22:30:00.000Z");
const MIDNIGHT = Date.parse("2026-12-02T00:00:00.000Z");
const headers = (values: Record<string, string>) => (name: string) => values[name] ?? null;

describe("the free daily cap", () => {
  it("is a 429 whose message names it, resetting at X-RateLimit-Reset (ms or s) or else at 00:00 UTC", () => {
    const message =
      "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day";
    const reset = { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(MIDNIGHT) };
    expect(dailyCapResetAt(429, message, headers(reset), NOW)).toBe(MIDNIGHT);
    expect(
      dailyCapResetAt(429, message, headers({ "x-ratelimit-reset": String(MIDNIGHT / 1000) }), NOW),
    ).toBe(MIDNIGHT);
    expect(dailyCapResetAt(429, message, headers({}), NOW)).toBe(MIDNIGHT);
    expect(
      dailyCapResetAt(429, "Rate limit exceeded: free-models-per-day-high-balance.", headers({}), NOW),
    ).toBe(MIDNIGHT);
    // No words, but nothing left until a reset hours away.
    expect(dailyCapResetAt(429, undefined, headers(reset), NOW)).toBe(MIDNIGHT);
    // No words, and the reset only minutes away: at midnight UTC, so the day's cap all the same.
    expect(dailyCapResetAt(429, undefined, headers(reset), MIDNIGHT - 5 * 60_000)).toBe(MIDNIGHT);
  });

  it("is not the per-minute limit, nor another status", () => {
    const soon = { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(NOW + 40_000) };
    expect(
      dailyCapResetAt(429, "Rate limit exceeded: free-models-per-min.", headers(soon), NOW),
    ).toBeUndefined();
    expect(dailyCapResetAt(429, undefined, headers({}), NOW)).toBeUndefined();
    expect(dailyCapResetAt(503, "free-models-per-day", headers({}), NOW)).toBeUndefined();
  });
});
