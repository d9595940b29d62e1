import type { AskFailure } from "./failure.js";

// The retry policy of an ask and its time bound: how long to wait before the next attempt, whether
// there may be one, and by when the whole ask has ended.

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff; doubles with every further attempt, plus up to 50% jitter. */
  baseMs: number;
  /** No retry is scheduled to start later than this after the enqueue. */
  deadlineMs: number;
}

/** A single wait never exceeds this, whatever Retry-After asks for. */
const MAX_DELAY_MS = 60_000;

/**
 * The wait before attempt `attemptsMade + 1`: exponential with jitter, or the server's Retry-After
 * when it asks for longer.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attemptsMade: number,
  failure: AskFailure,
  random = Math.random,
) {
  const exponential = policy.baseMs * 2 ** Math.max(0, attemptsMade - 1);
  const jittered = exponential * (1 + random() / 2);
  const retryAfter = failure.kind === "status" ? (failure.retryAfterMs ?? 0) : 0;
  return Math.round(Math.min(MAX_DELAY_MS, Math.max(jittered, retryAfter)));
}

/** Whether attempt `attemptsMade + 1` may run after `delayMs`, within the attempts and the deadline. */
export function mayRetry(
  policy: RetryPolicy,
  attemptsMade: number,
  delayMs: number,
  enqueuedAt: number,
  now: number,
) {
  return attemptsMade < policy.maxAttempts && now + delayMs <= enqueuedAt + policy.deadlineMs;
}

/** Beyond the ask's deadline: time for delivery (and a Telegram or PostgreSQL hiccup in it). */
const DELIVERY_GRACE_MS = 60_000;

/** Epoch ms by which an ask asked at `enqueuedAt` has ended, delivery included (see README, "The bound on an ask"). */
export function askBoundAt(policy: RetryPolicy, enqueuedAt: number): number {
  return enqueuedAt + policy.deadlineMs + DELIVERY_GRACE_MS;
}
