import { DelayedError, type Job, UnrecoverableError } from "bullmq";

/**
 * What a run of an ask job ends in ("what next"), and the one place that turns it into BullMQ's calls.
 * Every stage says what comes next as a value; only `applyNext` moves, retries or fails the job. The
 * failed-for-good path (a job BullMQ gave up on) is its neighbour, failed-for-good.ts.
 */

export type Next =
  /** The run is complete: the ask was answered, cancelled or ended quietly, and reported. */
  | { kind: "done" }
  /** Run again after `delayMs`, using the job's next attempt (the backoff strategy reads the delay). */
  | { kind: "retry"; delayMs: number; reason: string }
  /**
   * Run again after `delayMs` without using an attempt: the user's running slot or a request slot is
   * not free yet, the worker shuts down, Telegram or PostgreSQL failed for now.
   */
  | {
      kind: "defer";
      delayMs: number;
      /** Waits for one of its user's running slots: woken early when one frees here (slot-waiters.ts). */
      forUserSlot?: true;
    }
  /**
   * Fail the job for good, no attempt left. `reported`: the ask's end was told and reported already
   * (a failed job in ask_queue_jobs{state="failed"}); otherwise the failed-for-good path tells the user.
   */
  | { kind: "fail"; reason: string; reported: boolean };

/** Applies what comes next to the job; returns when it is complete, throws what BullMQ reads otherwise. */
export async function applyNext(job: Job, token: string | undefined, next: Next): Promise<void> {
  switch (next.kind) {
    case "done":
      return;
    case "defer":
      await job.moveToDelayed(Date.now() + next.delayMs, token);
      throw new DelayedError();
    case "retry":
      throw new RetryNextAttemptError(next.delayMs, next.reason);
    case "fail":
      throw next.reported ? new AskFailedError(next.reason) : new UnrecoverableError(next.reason);
  }
}

/** How long a job waits before its next run when the failure carried no delay of its own. */
const DEFAULT_BACKOFF_MS = 1_000;

/** The worker's backoff strategy for ASK_BACKOFF: the delay the run decided (a `retry`). */
export function askBackoffStrategy(_attemptsMade: number, _type?: string, error?: Error): number {
  return error instanceof RetryNextAttemptError ? error.delayMs : DEFAULT_BACKOFF_MS;
}

/** A `retry`: the attempt failed and the job runs again after `delayMs`, using its next attempt. */
class RetryNextAttemptError extends Error {
  override name = "RetryNextAttemptError";
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(`retry in ${delayMs} ms after ${reason}`);
  }
}

/** A reported `fail`: the ask ended without an answer; everything about it was done and reported. */
export class AskFailedError extends UnrecoverableError {
  override name = "AskFailedError";
}
