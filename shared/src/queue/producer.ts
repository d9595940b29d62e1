import { setTimeout as sleep } from "node:timers/promises";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import {
  ASK_QUEUE,
  type AskJob,
  askJobId,
  askJobOptions,
  askProgressSchema,
  type NewAskJob,
  rememberedQuestion,
} from "./ask-job.js";
import { userAsks } from "./user-asks.js";

/** How long the gateway waits for Redis before telling the user /ask is unavailable. */
const REDIS_DEADLINE_MS = 3_000;

/** A withdrawal that failed (Redis unavailable) is tried again this often, this many times, in the background. */
const WITHDRAW_RETRY_MS = 2_000;
const WITHDRAW_RETRIES = 30;

export class QueueUnavailableError extends Error {
  override name = "QueueUnavailableError";
}

export interface AskProducerOptions {
  connection: Redis;
  prefix: string;
  /** Asks one user may add per minute; 0 = no limit. */
  perUserPerMinute: number;
}

export function createAskProducer(options: AskProducerOptions) {
  const queue = new Queue<AskJob>(ASK_QUEUE, { connection: options.connection, prefix: options.prefix });
  // Connection errors surface through the calls below; without a listener they would crash the process.
  queue.on("error", () => {});

  const asks = userAsks(options.connection, options.prefix);

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
    /**
     * Throws QueueUnavailableError at once, without a round trip, when the connection to Redis is down
     * (the user hears "unavailable" before a placeholder is sent).
     */
    assertConnected(): void {
      if (options.connection.status !== "ready") throw new QueueUnavailableError("Redis is not connected");
    },
    /** True when a job for this Telegram update exists already (a repeated delivery). */
    async has(updateId: number): Promise<boolean> {
      return (await withDeadline(queue.getJob(askJobId(updateId)))) !== undefined;
    },
    /**
     * Admits the ask of this update: counts it against the user's limit for the last minute (in Redis,
     * so it holds across gateway instances) and records it pending, in one round trip.
     * Resolves with how many of the user's asks were pending before it (the job waits behind them),
     * or undefined when the user is over the limit.
     */
    admit: (userId: number, updateId: number): Promise<number | undefined> =>
      withDeadline(asks.admit(userId, askJobId(updateId), options.perUserPerMinute)),

    /**
     * Forgets an admitted ask whose job was not added (its placeholder could not be sent, or adding the
     * job failed), so that it no longer counts as pending for the user's next asks; a job that exists
     * after all (added late) stays pending. Never rejects: while Redis is unavailable it is tried again
     * in the background for a minute.
     */
    async withdraw(userId: number, updateId: number): Promise<void> {
      const jobId = askJobId(updateId);
      const tryOnce = async () => {
        try {
          if ((await withDeadline(queue.getJob(jobId))) === undefined)
            await withDeadline(asks.finish(userId, jobId));
          return true;
        } catch {
          return false;
        }
      };
      if (await tryOnce()) return;
      void (async () => {
        for (let retry = 0; retry < WITHDRAW_RETRIES; retry++) {
          // Unreferenced: a pending retry never holds a shutdown up.
          await sleep(WITHDRAW_RETRY_MS, undefined, { ref: false });
          if (await tryOnce()) return;
        }
      })();
    },

    /** Adds the admitted ask, prioritised behind the user's own asks pending before it (see askJobOptions). */
    async enqueue(updateId: number, job: NewAskJob): Promise<void> {
      const jobId = askJobId(updateId);
      await withDeadline(queue.add("ask", job as AskJob, askJobOptions(jobId, job.queuedBehind ?? 0)));
    },

    /**
     * Cancels the user's pending and running asks. Waiting ones are removed here and returned (the
     * caller edits their placeholders); running ones are flagged, and their worker aborts them.
     */
    async cancel(userId: number): Promise<{ removed: AskJob[]; signalled: number }> {
      const removed: AskJob[] = [];
      let signalled = 0;
      for (const jobId of await withDeadline(asks.pending(userId))) {
        const job = await withDeadline(queue.getJob(jobId));
        if (!job) continue;
        const state = await withDeadline(job.getState());
        if (state === "completed" || state === "failed" || state === "unknown") continue;
        await withDeadline(asks.markCancelled(jobId));
        if (state === "active") {
          signalled++;
          continue;
        }
        try {
          await withDeadline(job.remove());
          await withDeadline(asks.finish(userId, jobId));
          removed.push(job.data);
        } catch {
          signalled++; // a worker took it meanwhile: the cancel flag stops it there
        }
      }
      return { removed, signalled };
    },
    /**
     * The question and answer of a finished ask, for its save button (jobs are kept a day); undefined
     * when the job is gone or has no complete answer.
     */
    async answerOf(jobId: string): Promise<{ userId: number; question: string; answer: string } | undefined> {
      const job = await withDeadline(queue.getJob(jobId));
      const answer = askProgressSchema.safeParse(job?.progress);
      if (!job || !answer.success || answer.data.outcome !== "ok" || answer.data.answer === undefined) {
        return undefined;
      }
      // A question about a medium is saved with its marker (a voice message: with its transcript).
      const question = answer.data.question ?? rememberedQuestion(job.data);
      return { userId: job.data.userId, question, answer: answer.data.answer };
    },
    /** Jobs by state for the ask_queue_jobs gauge; prioritized jobs are waiting too. */
    async counts(): Promise<Record<"waiting" | "active" | "delayed" | "failed", number>> {
      const c = await withDeadline(
        queue.getJobCounts("waiting", "prioritized", "active", "delayed", "failed"),
      );
      return {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
      };
    },
    close: () => queue.close(),
  };
}

export type AskProducer = ReturnType<typeof createAskProducer>;
