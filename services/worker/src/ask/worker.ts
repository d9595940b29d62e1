import { ASK_QUEUE, type AskJob } from "@notesbot/shared/queue";
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { askBackoffStrategy } from "./next.js";
import { STOP } from "./stop.js";

export interface AskWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  /** A job whose worker stops renewing its lock this long is taken over by another worker. */
  lockMs: number;
}

/**
 * The one place that registers the BullMQ worker of the ask queue, and stops it: SIGTERM lets jobs
 * in flight finish for a grace period, then aborts them, and each goes back to the queue for another
 * worker (the processor puts it back when it sees the shutdown).
 */
export function createAskWorker(
  processor: (job: Job<AskJob>, token: string | undefined, signal: AbortSignal) => Promise<void>,
  options: AskWorkerOptions,
) {
  // OPENROUTER_RPM is kept per request by the processor (see request-limit.ts), not by BullMQ's
  // limiter, which counts jobs taken from the queue.
  const worker = new Worker<AskJob>(
    ASK_QUEUE,
    (job, token, signal) => processor(job, token, signal as AbortSignal),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockMs,
      stalledInterval: Math.max(500, Math.floor(options.lockMs / 2)),
      maxStalledCount: 2,
      settings: { backoffStrategy: askBackoffStrategy },
    },
  );
  return {
    worker,
    /** Cancels the job if it runs here (a /cancel); false when it does not. */
    cancel: (jobId: string) => worker.cancelJob(jobId, STOP.cancelled),
    /** Waits up to `graceMs` for the jobs in flight, then returns them to the queue; resolves once closed. */
    async stop(graceMs: number): Promise<void> {
      const closed = worker.close();
      const timer = setTimeout(() => worker.cancelAllJobs(STOP.shutdown), graceMs);
      try {
        await closed;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
