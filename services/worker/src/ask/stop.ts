/**
 * Why an ask's work was stopped from outside its answer: the one helper that reads it from an abort
 * signal. Each reason is a string because BullMQ's `worker.cancelJob(jobId, reason)` takes one.
 */
export const STOP = {
  /** The user sent /cancel. */
  cancelled: "ask:cancelled",
  /** The worker is shutting down: the job goes back to the queue for another worker. */
  shutdown: "ask:shutdown",
  /** Telegram will not deliver to the chat (the user blocked the bot). */
  undeliverable: "ask:undeliverable",
  /** The ask's deadline (ASK_DEADLINE_MS from the question) passed. */
  deadline: "ask:deadline",
} as const;

export type StopReason = keyof typeof STOP;

/** Why `signal` was aborted, if it was by one of the reasons above. */
export function stopReason(signal: AbortSignal | undefined): StopReason | undefined {
  if (!signal?.aborted) return undefined;
  const reason: unknown = signal.reason;
  return (Object.keys(STOP) as StopReason[]).find((key) => STOP[key] === reason);
}

/** An abort signal that fires with `reason` after `ms`, and a way to clear its timer. */
export function stopAfter(ms: number, reason: StopReason): StopTimer {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(STOP[reason]), Math.max(0, ms));
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

export interface StopTimer {
  signal: AbortSignal;
  clear: () => void;
}
