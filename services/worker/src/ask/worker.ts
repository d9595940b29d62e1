import { ASK_QUEUE, type AskJob } from "@notesbot/shared/queue";
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { RetryLaterError } from "./processor.js";

export interface AskWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  /** Requests a minute across all workers of the queue; 0 = no limit. */
  requestsPerMinute: number;
  /** A job whose worker stops renewing its lock this long is taken over by another worker. */
  lockMs: number;
}

/** The one place that registers the BullMQ worker of the ask queue. */
export function createAskWorker(
  processor: (job: Job<AskJob>, token?: string, signal?: AbortSignal) => Promise<void>,
  options: AskWorkerOptions,
): Worker<AskJob> {
  return new Worker<AskJob>(ASK_QUEUE, processor, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: Math.max(500, Math.floor(options.lockMs / 2)),
    maxStalledCount: 2,
    ...(options.requestsPerMinute > 0
      ? { limiter: { max: options.requestsPerMinute, duration: 60_000 } }
      : {}),
    settings: {
      // The processor decided the delay (backoff with jitter, or Retry-After); BullMQ only schedules it.
      backoffStrategy: (_attemptsMade, _type, error) =>
        error instanceof RetryLaterError ? error.delayMs : 1_000,
    },
  });
}
