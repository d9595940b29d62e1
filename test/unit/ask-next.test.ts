import { randomBytes } from "node:crypto";
import { Queue, UnrecoverableError } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { AskFailedError, applyNext, type Next } from "../../services/worker/src/ask/next.js";
import { createAskWorker } from "../../services/worker/src/ask/worker.js";
import { ASK_QUEUE, askJobOptions } from "../../shared/src/queue/index.js";

/**
 * The ask's "what next" (services/worker/src/ask/next.ts) against a real BullMQ queue on the real
 * Redis, registered as the worker registers it, with jobs added as the gateway adds them: what each
 * value does to the job — whether it runs again, when, and whether that used one of its attempts.
 */

interface Run {
  attemptsMade: number;
  startedAt: number;
}

let connection: Redis;
let queue: Queue;
let prefix: string;
let stopWorker: (() => Promise<void>) | undefined;

beforeEach(async () => {
  connection = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  prefix = `${inject("runId")}_next_${randomBytes(3).toString("hex")}`;
  queue = new Queue(ASK_QUEUE, { connection, prefix });
});

afterEach(async () => {
  await stopWorker?.();
  stopWorker = undefined;
  await queue.close();
  connection.disconnect();
});

/**
 * Runs one job with the real ask worker, each run ending in what `plan` says for it (by run number,
 * from 0), until the job completes or fails for good; returns its runs and how it ended.
 */
async function runJob(plan: (run: number) => Next) {
  const runs: Run[] = [];
  const worker = createAskWorker(
    async (job, token) => {
      runs.push({ attemptsMade: job.attemptsMade, startedAt: Date.now() });
      await applyNext(job, token, plan(runs.length - 1));
    },
    { connection, prefix, concurrency: 1, lockMs: 30_000 },
  );
  stopWorker = () => worker.stop(0);
  const jobId = `next-${randomBytes(4).toString("hex")}`;
  const ended = new Promise<{ state: "completed" } | { state: "failed"; error: Error }>((resolve) => {
    worker.worker.on("completed", (job) => {
      if (job.id === jobId) resolve({ state: "completed" });
    });
    worker.worker.on("failed", (job, error) => {
      if (job?.id !== jobId) return;
      const lastRun = job.attemptsMade >= (job.opts.attempts ?? 1);
      if (lastRun || error instanceof UnrecoverableError) resolve({ state: "failed", error });
    });
  });
  await queue.add("ask", {}, askJobOptions(jobId, 0));
  const end = await ended;
  return { runs, end, job: await queue.getJob(jobId) };
}

describe("what next for an ask job", () => {
  it("a retry runs the job again after the delay it names, using one of its attempts", async () => {
    const { runs, end } = await runJob((run) =>
      run === 0 ? { kind: "retry", delayMs: 300, reason: "503" } : { kind: "done" },
    );
    expect(end.state).toBe("completed");
    expect(runs.map((run) => run.attemptsMade)).toEqual([0, 1]);
    expect((runs[1] as Run).startedAt - (runs[0] as Run).startedAt).toBeGreaterThanOrEqual(300);
  });

  it("a defer runs the job again after the delay it names, without using an attempt", async () => {
    const { runs, end } = await runJob((run) =>
      run < 3 ? { kind: "defer", delayMs: 300 } : { kind: "done" },
    );
    expect(end.state).toBe("completed");
    expect(runs.map((run) => run.attemptsMade)).toEqual([0, 0, 0, 0]);
    expect((runs[1] as Run).startedAt - (runs[0] as Run).startedAt).toBeGreaterThanOrEqual(300);
  });

  it("defers as many as needed never fail the job, beyond the attempts it has", async () => {
    const attempts = askJobOptions("x", 0).attempts;
    const { runs, end } = await runJob((run) =>
      run < attempts + 2 ? { kind: "defer", delayMs: 0 } : { kind: "done" },
    );
    expect(end.state).toBe("completed");
    expect(runs).toHaveLength(attempts + 3);
  });

  it("a fail ends the job for good at once, with its attempts left unused", async () => {
    const { runs, end, job } = await runJob(() => ({
      kind: "fail",
      reason: "invalid ask job",
      reported: false,
    }));
    expect(end.state).toBe("failed");
    expect(runs).toHaveLength(1);
    expect(await job?.getState()).toBe("failed");
    expect(end.state === "failed" && end.error.name).toBe("UnrecoverableError");
  });

  it("a reported fail ends the job for good as already told (the failed-for-good path leaves it alone)", async () => {
    const { runs, end } = await runJob(() => ({ kind: "fail", reason: "503", reported: true }));
    expect(runs).toHaveLength(1);
    expect(end.state === "failed" && end.error).toBeInstanceOf(AskFailedError);
  });
});
