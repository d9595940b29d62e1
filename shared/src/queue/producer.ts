import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { ASK_QUEUE, type AskJob, askJobId } from "./ask-job.js";

/** How long the gateway waits for Redis before telling the user /ask is unavailable. */
const REDIS_DEADLINE_MS = 3_000;

export class QueueUnavailableError extends Error {
  override name = "QueueUnavailableError";
}

/** The retry policy every ask job carries; the worker computes the delays (see its backoff). */
export interface AskRetryPolicy {
  attempts: number;
}

export interface AskProducerOptions {
  connection: Redis;
  prefix: string;
  retry: AskRetryPolicy;
  /** Asks one user may add per minute; 0 = no limit. */
  perUserPerMinute: number;
}

export function createAskProducer(options: AskProducerOptions) {
  const queue = new Queue<AskJob>(ASK_QUEUE, { connection: options.connection, prefix: options.prefix });
  // Connection errors surface through the calls below; without a listener they would crash the process.
  queue.on("error", () => {});

  const withDeadline = async <T>(work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new QueueUnavailableError("Redis did not answer in time")),
        REDIS_DEADLINE_MS,
      );
    });
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      throw error instanceof QueueUnavailableError
        ? error
        : new QueueUnavailableError(String(error), { cause: error });
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    queue,
    /** True when a job for this Telegram update exists already (a repeated delivery). */
    async has(updateId: number): Promise<boolean> {
      return (await withDeadline(queue.getJob(askJobId(updateId)))) !== undefined;
    },
    /**
     * Counts an ask against the user's limit for the current minute (a Redis counter, so it holds
     * across gateway instances); false when the user is over it.
     */
    async admit(userId: number): Promise<boolean> {
      if (options.perUserPerMinute === 0) return true;
      const key = `${options.prefix}:ask-limit:${userId}:${Math.floor(Date.now() / 60_000)}`;
      const results = await withDeadline(options.connection.multi().incr(key).pexpire(key, 60_000).exec());
      const count = Number(results?.[0]?.[1] ?? 0);
      return count <= options.perUserPerMinute;
    },
    async enqueue(updateId: number, job: AskJob): Promise<void> {
      await withDeadline(
        queue.add("ask", job, {
          jobId: askJobId(updateId),
          attempts: options.retry.attempts,
          backoff: { type: "openrouter" },
          // Kept a day so a late repeated delivery of the update still finds it.
          removeOnComplete: { age: 24 * 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
        }),
      );
    },
    close: () => queue.close(),
  };
}

export type AskProducer = ReturnType<typeof createAskProducer>;
